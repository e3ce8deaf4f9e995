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

    public const string InvalidFieldsType = "/problems/invalid-fields";

    /// <summary>422: the body parsed, but fields are missing, malformed, unknown or refer to nothing.</summary>
    public static IResult InvalidFields(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Type = InvalidFieldsType,
            Title = "Invalid fields",
            Detail = $"The request has {errors.Count} invalid field{(errors.Count == 1 ? "" : "s")}: {string.Join(", ", errors.Keys.Select(k => $"'{k}'"))}. Nothing was written.",
        });

    public static IResult MalformedBody(string reason) => Problem(StatusCodes.Status400BadRequest, "/problems/malformed-body", "Malformed request body",
        $"The body is not the JSON object expected: {reason} Nothing was written.");

    public static IResult UnsupportedMediaType() => Problem(StatusCodes.Status415UnsupportedMediaType, "/problems/unsupported-media-type", "Unsupported media type",
        "Send the body as JSON, with Content-Type: application/json.");

    public static IResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "/problems/conflict", "Conflict", detail);

    public static IResult Gone(string resource, string id, string at, string curator, string revisions) =>
        Problem(StatusCodes.Status410Gone, "/problems/deleted", $"Deleted {resource}",
            $"The {resource} '{id}' was deleted at {at} by {curator}. Its history, from which it can be restored, is at {revisions}.");

    public static IResult PreconditionRequired(string detail) => Problem(StatusCodes.Status428PreconditionRequired, "/problems/precondition-required", "If-Match required", detail);

    public static IResult PreconditionFailed(string detail) => Problem(StatusCodes.Status412PreconditionFailed, "/problems/stale-etag", "The resource has changed", detail);

    public const string UnavailableType = "/problems/unavailable";
    public const string TimeBudgetExceededType = "/problems/time-budget-exceeded";

    /// <summary>503: the archive cannot do this work now (its database is busy past the busy timeout);
    /// the same request may succeed after <paramref name="retryAfter"/>.</summary>
    public static IResult Unavailable(string detail, TimeSpan retryAfter) =>
        Unavailable(UnavailableType, "Temporarily unavailable", detail, retryAfter);

    /// <summary>503 with <c>Retry-After</c>: the request's database work was stopped at its time budget.</summary>
    public static IResult TimeBudgetExceeded(string detail, TimeSpan retryAfter) =>
        Unavailable(TimeBudgetExceededType, "Time budget exceeded", detail, retryAfter);

    private static IResult Unavailable(string type, string title, string detail, TimeSpan retryAfter) =>
        new WithRetryAfter(Problem(StatusCodes.Status503ServiceUnavailable, type, title, detail), retryAfter);

    /// <summary>413: the body is larger than the route accepts; nothing of it was used.</summary>
    public static IResult BodyTooLarge(string detail) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "/problems/body-too-large", "Request body too large", detail);

    /// <summary>408: the body did not arrive in time; nothing of it was used.</summary>
    public static IResult BodyTooSlow(string detail) =>
        Problem(StatusCodes.Status408RequestTimeout, "/problems/body-too-slow", "Request body too slow", detail);

    /// <summary>Any other request Kestrel could not read while the application read it (bad chunked
    /// framing, for one), with the status Kestrel chose for it.</summary>
    public static IResult UnreadableRequest(int status, string detail) =>
        Problem(status, "/problems/unreadable-request", "Unreadable request", detail);

    private sealed class WithRetryAfter(IResult problem, TimeSpan retryAfter) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusCodes.Status503ServiceUnavailable;

        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return problem.ExecuteAsync(http);
        }
    }

    private static IResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: type, title: title, detail: detail);

    public static IResult NotAcceptable(IList<string> accept) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status406NotAcceptable,
            type: "/problems/not-acceptable",
            title: "No acceptable representation",
            detail: $"The Accept header ({string.Join(", ", accept)}) allows none of application/json, {ListFormats.Csv}, {ListFormats.Ndjson} or {ListFormats.Parquet}. " +
                    "Send one of them, or use format=json|csv|ndjson|parquet.");

    /// <summary>Fills in what every problem carries: the request it answers and a trace id to quote
    /// when reporting it; never a secret the request held.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        // A problem with no more specific type is "about:blank", titled by its status (RFC 9457 §4.2.1).
        problem.Type ??= "about:blank";
        problem.Title ??= Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Instance ??= Redaction.SafeTarget(context.HttpContext.Request);
        problem.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        if (problem.Status is StatusCodes.Status401Unauthorized)
        {
            problem.Detail ??= Curation.CuratorAuthentication.FailureReason(context.HttpContext)
                               ?? "Writes need a curator key: Authorization: Bearer <key>.";
        }
        else if (problem.Status is StatusCodes.Status405MethodNotAllowed)
        {
            problem.Detail ??= $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}; " +
                               $"the allowed methods are in the Allow header.";
        }
        else if (problem.Status is StatusCodes.Status404NotFound && problem.Detail is null)
        {
            problem.Detail = $"No resource is at {context.HttpContext.Request.Path}. GET /v1 lists the collections.";
        }
        else if (problem.Status is StatusCodes.Status415UnsupportedMediaType)
        {
            problem.Detail ??= $"The body's Content-Type ({context.HttpContext.Request.ContentType ?? "none"}) is not accepted here: send JSON, with Content-Type: application/json.";
        }
        else if (problem.Status >= 500 && problem.Detail is null)
        {
            problem.Detail = "The archive could not answer this request. The error was logged with the traceId below.";
        }
        problem.Detail ??= problem.Title + ".";
        // Last: a detail or an error message may quote what the client sent, a misplaced key included.
        Redaction.Scrub(problem);
    }
}
