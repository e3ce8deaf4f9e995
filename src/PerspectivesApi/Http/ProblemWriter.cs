using System.Text.Json;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PerspectivesApi.Explorer;

namespace PerspectivesApi.Http;

/// <summary>Writes every problem as application/problem+json, whatever the request's Accept header.
/// The framework's writer declines when a client asked for text/csv, say, and the fallback then
/// skips <see cref="Problems.Customize"/>; an error must read the same for every client. The one
/// exception is the explorer: there a problem is a page, with the same status, title and detail.</summary>
public sealed class ProblemWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        if (ExplorerPaths.Serves(http.Request.Path))
            return new ValueTask(ExplorerEndpoints.Render<ErrorPage>(http, new Dictionary<string, object?> { ["Problem"] = problem, ["Path"] = http.Request.Path.Value })
                .ExecuteAsync(http));
        http.Response.ContentType = "application/problem+json";
        var type = problem is HttpValidationProblemDetails ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);
        return new ValueTask(http.Response.WriteAsync(JsonSerializer.Serialize(problem, type, jsonOptions.Value.SerializerOptions), http.RequestAborted));
    }
}
