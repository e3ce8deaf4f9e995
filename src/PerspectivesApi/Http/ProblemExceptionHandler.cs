using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

/// <summary>Answers, as problems, the exceptions that are not the archive failing: a body too large for
/// its route (413, naming the limit) or too slow (408), a request Kestrel could not read (its own 4xx),
/// and a database locked past the busy timeout (503 with Retry-After). Any other exception stays a 500.
/// Errors Kestrel finds before the request reaches the application (a malformed request line, headers
/// too large: 400, 431) are answered by Kestrel itself, with their status and an empty body: Kestrel
/// offers no way to write those (aspnet/KestrelHttpServer#2947).</summary>
public sealed class ProblemExceptionHandler(IOptions<RequestLimitsOptions> limits, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var request = $"{http.Request.Method} {http.Request.Path}";
        IResult? problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problems.BodyTooLarge(http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
                    ? $"{request} accepts a body of at most {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes ({Readable(limit)}); this one is larger. Nothing was written."
                    : $"The body is larger than {request} accepts. Nothing was written."),
            RequestBodyTimeoutException late => Problems.BodyTooSlow(late.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => Problems.BodyTooSlow(
                $"The request body arrived too slowly: more slowly than {limits.Value.MinBodyBytesPerSecond} bytes per second. Send it in one go; nothing was written."),
            BadHttpRequestException bad => Problems.UnreadableRequest(bad.StatusCode, $"The request could not be read: {bad.Message} Nothing was written."),
            _ when IsBusy(http, exception) => Problems.Unavailable(
                "The archive's database is busy with other writes and could not take this request in time. Nothing was written; retry after the time in Retry-After.",
                http.RequestServices.GetRequiredService<Database>().BusyTimeout),
            _ => null,
        };
        if (problem is null) return false;

        if (exception is not BadHttpRequestException) logger.LogWarning("{Request} answered 503: the database stayed locked past the busy timeout ({Message})", request, exception.Message);
        else logger.LogInformation("{Request} answered {Status}: {Message}", request, ((BadHttpRequestException)exception).StatusCode, exception.Message);
        // A body that was not read to its end leaves the connection in no state to carry another request.
        if (exception is BadHttpRequestException) http.Response.Headers.Connection = "close";
        await problem.ExecuteAsync(http);
        return true;
    }

    /// <summary>The archive locked past the busy timeout: by the database's writers, or while waiting for this process's turn to write (a SQLite busy error on either provider).</summary>
    private static bool IsBusy(HttpContext http, Exception exception) =>
        SqlDialect.Sqlite.IsBusy(exception) || http.RequestServices.GetRequiredService<Database>().Dialect.IsBusy(exception);

    private static string Readable(long bytes) =>
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KiB"
        : $"{bytes} bytes";
}
