using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Tests;

/// <summary>Brotli and gzip for every text answer, as the client's Accept-Encoding asks, with ETags that
/// tell the encodings apart and still answer 304, and conditional writes that accept them.</summary>
public sealed class CompressionTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private static byte[] Decode(string coding, byte[] body)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>A problem names the request it answers: two requests, two trace ids.</summary>
    private static string WithoutTraceId(byte[] body) =>
        System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(body), "\"traceId\":\"[^\"]*\"", "\"traceId\":\"\"");

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string? acceptEncoding, EntityTagHeaderValue? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(ifNoneMatch);
        return await client.SendAsync(request);
    }

    public static TheoryData<string, string> CompressibleAnswers => new()
    {
        { "/v1/articles", "br" },
        { "/v1/articles", "gzip" },
        { "/v1/articles/point-of-no-return-aslan-ismailov", "br" },
        { "/swagger/v1/swagger.json", "br" },
        { "/swagger/v1/swagger.json", "gzip" },
        { "/v1/stances?format=csv", "gzip" },
        { "/v1/stances?format=csv", "br" },
        { "/v1/articles?format=ndjson", "br" },
        { "/v1/articles?limit=0", "gzip" }, // a problem
        { "/v1/topics/summary", "br" },
    };

    [Theory]
    [MemberData(nameof(CompressibleAnswers))]
    public async Task A_compressed_answer_decompresses_to_the_same_bytes_as_the_plain_one(string url, string coding)
    {
        var client = app.CreateClient();
        using var plain = await GetAsync(client, url, null);
        using var compressed = await GetAsync(client, url, $"{coding}, identity;q=0.5");
        Assert.Equal(plain.StatusCode, compressed.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal([coding], compressed.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary); // caches learn it from the plain answer too
        Assert.Equal(plain.Content.Headers.ContentType, compressed.Content.Headers.ContentType);

        var expected = await plain.Content.ReadAsByteArrayAsync();
        var sent = await compressed.Content.ReadAsByteArrayAsync();
        Assert.Equal(WithoutTraceId(expected), WithoutTraceId(Decode(coding, sent)));
        Assert.True(sent.Length < expected.Length, $"{url}: {sent.Length} bytes compressed, {expected.Length} plain");
    }

    [Fact]
    public async Task The_OpenAPI_document_shrinks_to_a_fraction()
    {
        using var response = await GetAsync(app.CreateClient(), "/swagger/v1/swagger.json", "br");
        var plain = (await app.CreateClient().GetByteArrayAsync("/swagger/v1/swagger.json")).Length;
        var sent = (await response.Content.ReadAsByteArrayAsync()).Length;
        // Brotli's quality 1 sent 148 KB for it, written as it is in 4 KB pieces; quality 2 sends about 25 KB.
        Assert.True(sent * 10 < plain, $"{sent} bytes with Brotli, {plain} plain");
    }

    [Fact]
    public async Task The_snapshot_is_sent_as_is_with_its_length()
    {
        using var response = await GetAsync(app.CreateClient(), "/v1/export/archive.sqlite", "br, gzip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.True(response.Content.Headers.NonValidated.Contains("Content-Length"));
    }

    [Theory]
    [InlineData("/v1/articles/point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/articles?limit=3")]
    public async Task Each_encoding_has_its_own_strong_etag_and_each_answers_304(string url)
    {
        var client = app.CreateClient();
        EntityTagHeaderValue plain;
        using (var response = await GetAsync(client, url, null)) plain = response.Headers.ETag!;
        Assert.False(plain.IsWeak);
        foreach (var coding in new[] { "br", "gzip" })
        {
            // Twice: computed, then served from the response cache.
            foreach (var _ in new[] { 1, 2 })
            {
                EntityTagHeaderValue coded;
                using (var response = await GetAsync(client, url, coding)) coded = response.Headers.ETag!;
                Assert.False(coded.IsWeak);
                Assert.Equal(plain.Tag.TrimEnd('"') + "+" + coding + "\"", coded.Tag);

                using var notModified = await GetAsync(client, url, coding, coded);
                Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
                Assert.Equal(coded, notModified.Headers.ETag);
                Assert.Contains("Accept-Encoding", notModified.Headers.Vary);
            }
        }
        using var plainNotModified = await GetAsync(client, url, null, plain);
        Assert.Equal(HttpStatusCode.NotModified, plainNotModified.StatusCode);
        Assert.Equal(plain, plainNotModified.Headers.ETag);
    }

    [Fact]
    public async Task A_conditional_write_accepts_the_etag_of_a_compressed_read_and_refuses_a_stale_one()
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync("coded-" + Guid.NewGuid().ToString("N")[..8]);
        var curator = app.CreateClient();
        curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var created = await curator.PostAsync("/v1/outlets", new StringContent("""{"id":"coded-etag-outlet","name":"Coded ETag Outlet"}""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        EntityTagHeaderValue coded;
        using (var read = await GetAsync(curator, "/v1/outlets/coded-etag-outlet", "gzip")) coded = read.Headers.ETag!;
        Assert.EndsWith("+gzip\"", coded.Tag);

        async Task<HttpStatusCode> PatchAsync(EntityTagHeaderValue ifMatch, string name)
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/outlets/coded-etag-outlet")
            {
                Content = new StringContent($$"""{"name":"{{name}}"}""", Encoding.UTF8, "application/json"),
            };
            patch.Headers.IfMatch.Add(ifMatch);
            patch.Headers.TryAddWithoutValidation("Accept-Encoding", "br");
            using var response = await curator.SendAsync(patch);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await PatchAsync(coded, "Coded ETag Outlet, Renamed"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await PatchAsync(coded, "Stale"));
    }

    [Fact]
    public void A_Brotli_quality_out_of_range_stops_the_start()
    {
        using var wrong = app.WithWebHostBuilder(builder => builder.UseSetting("Compression:BrotliQuality", "12"));
        var error = Assert.ThrowsAny<Exception>(() => wrong.CreateClient());
        Assert.Contains("Compression:BrotliQuality", error.ToString());
    }

    [Fact]
    public async Task Compression_can_be_switched_off()
    {
        using var off = app.WithWebHostBuilder(builder => builder.UseSetting("Compression:Enabled", "false"));
        using var response = await GetAsync(off.CreateClient(), "/v1/articles", "br, gzip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.DoesNotContain("+", response.Headers.ETag!.Tag);
    }
}
