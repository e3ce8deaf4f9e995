using Microsoft.AspNetCore.Mvc;

namespace PerspectivesApi.Http;

/// <summary>The archive's RFC 9457 problems. Each kind has a stable <c>type</c> so that clients can
/// branch on it; the <c>detail</c> says, for a person, what exactly was wrong.</summary>
public static class Problems
{
    public const string InvalidParametersType = "/problems/invalid-parameters";
    public const string NotFoundType = "/problems/not-found";

    public static IResult InvalidParameters(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: $"The request's {(errors.Count == 1 ? "parameter" : "parameters")} {string.Join(", ", errors.Keys.Select(k => $"'{k}'"))} " +
                    $"{(errors.Count == 1 ? "is" : "are")} not valid: see errors.",
            type: InvalidParametersType,
            title: "Invalid request parameters");

    public static IResult NotFound(string resource, string id) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            type: NotFoundType,
            title: $"No such {resource}",
            detail: $"The archive has no {resource} with the id '{id}'.");

    public static IResult NotAcceptable(IList<string> accept) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status406NotAcceptable,
            type: "/problems/not-acceptable",
            title: "No acceptable representation",
            detail: $"The Accept header ({string.Join(", ", accept)}) allows none of application/json, {ListFormats.Csv} or {ListFormats.Ndjson}. " +
                    "Send one of them, or use format=json|csv|ndjson.");

    /// <summary>Fills in what every problem carries: the request it answers and a trace id to quote
    /// when reporting it.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        // A problem with no more specific type is "about:blank", titled by its status (RFC 9457 §4.2.1).
        problem.Type ??= "about:blank";
        problem.Title ??= Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Instance ??= context.HttpContext.Request.Path + context.HttpContext.Request.QueryString;
        problem.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        if (problem.Status is StatusCodes.Status405MethodNotAllowed)
        {
            problem.Detail ??= $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}; " +
                               $"the allowed methods are in the Allow header.";
        }
        else if (problem.Status is StatusCodes.Status404NotFound && problem.Detail is null)
        {
            problem.Detail = $"No resource is at {context.HttpContext.Request.Path}. GET /v1 lists the collections.";
        }
        else if (problem.Status >= 500 && problem.Detail is null)
        {
            problem.Detail = "The archive could not answer this request. The error was logged with the traceId below.";
        }
    }
}
