using System.Net;
using System.Net.Http.Headers;

namespace PerspectivesApi.Tests;

/// <summary>The OpenAPI document is built once and served from memory with a strong ETag: an anonymous
/// client asking for it again and again costs a copy, not a rebuild.</summary>
public sealed class OpenApiDocumentCacheTests : IDisposable
{
    private readonly ArchiveApp app = new();

    [Fact]
    public async Task The_document_is_the_same_bytes_every_time_with_an_etag_that_answers_304()
    {
        var client = app.CreateClient();
        using var first = await client.GetAsync("/swagger/v1/swagger.json");
        using var second = await client.GetAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var bytes = await first.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes, await second.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("{", System.Text.Encoding.UTF8.GetString(bytes).TrimStart());
        Assert.Equal(bytes.Length, second.Content.Headers.ContentLength);
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
        var etag = second.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.Equal(first.Headers.ETag, etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/swagger/v1/swagger.json");
        request.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/swagger/v1/swagger.json"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(etag, head.Headers.ETag);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    public void Dispose() => app.Dispose();
}
