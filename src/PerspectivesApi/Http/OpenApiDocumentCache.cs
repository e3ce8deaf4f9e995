namespace PerspectivesApi.Http;

/// <summary>Serves the OpenAPI document from memory. Swashbuckle builds it anew on every request (60–250 ms of
/// CPU for 700 KB, bench/COMPRESSION.md), which would let any anonymous client keep both cores busy; the document
/// only changes when the code does, so it is built once, on the first request, and then served with a strong
/// ETag (a hash of its bytes) that answers If-None-Match with 304.</summary>
public sealed class OpenApiDocumentCache(RequestDelegate next, string documentPath)
{
    private byte[]? document;
    private string? etag;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.Equals(documentPath, StringComparison.Ordinal) || !HttpMethods.IsGet(http.Request.Method))
        {
            await next(http);
            return;
        }
        if (document is null)
        {
            // Capture the first answer that Swashbuckle writes; requests racing this one build it too, harmlessly.
            var original = http.Response.Body;
            using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try { await next(http); }
            finally { http.Response.Body = original; }
            if (http.Response.StatusCode != StatusCodes.Status200OK)
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(original, http.RequestAborted);
                return;
            }
            etag = CachedJson.ETagOf(buffer.ToArray());
            document = buffer.ToArray();
            http.Response.Headers.Remove("Content-Length");
        }
        await WriteAsync(http);
    }

    private async Task WriteAsync(HttpContext http)
    {
        var response = http.Response;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "no-cache";
        if (ETags.Matches(http.Request.Headers.IfNoneMatch, etag!))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = document!.Length;
        await response.Body.WriteAsync(document, http.RequestAborted);
    }
}
