using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Http;

/// <summary>Headers every answer carries, problems and 304s included. They are set as the response starts,
/// after everything else has had its say (the exception handler clears headers; a handler sets its own
/// Cache-Control), so nothing can drop or override them.</summary>
public static class SecurityHeaders
{
    /// <summary>What a page may load when an answer is opened in a browser: nothing. The API serves data,
    /// never a document to render; Swagger UI, which needs its scripts and styles, is left out.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>What the explorer's pages may load: their own stylesheet and icon, nothing else; no script at all
    /// (inline or not), no inline style, and forms only to the archive itself.</summary>
    public const string PageSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>For answers to curators: a shared cache must not keep them, and nobody needs to keep a write's answer.</summary>
    public const string CuratorCacheControl = "private, no-store";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, http);
        return next(http);
    });

    private static void Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        // Browsers must take Content-Type at its word: a JSON answer quoting a title is never run as a script.
        headers.XContentTypeOptions = "nosniff";
        // A link followed from Swagger UI or from a rendered answer says nothing of the URL it came from.
        headers["Referrer-Policy"] = "no-referrer";
        // A page is the one kind of answer a browser renders as a document: it gets the page policy. Data
        // (JSON, CSV, problems) keeps 'none', whatever its path.
        if (!http.Request.Path.StartsWithSegments(SwaggerPath))
            headers.ContentSecurityPolicy = IsPage(http.Response.ContentType) ? PageSecurityPolicy : ContentSecurityPolicy;
        // Whatever the route said: a request that carries credentials is answered for that caller alone.
        if (http.Request.Headers.Authorization.Count > 0)
            headers.CacheControl = CuratorCacheControl;
    }

    private static bool IsPage(string? contentType) => contentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Swagger UI and the OpenAPI document (<see cref="ArchiveOpenApi.UseArchiveOpenApi"/>).</summary>
    private static readonly PathString SwaggerPath = "/swagger";
}
