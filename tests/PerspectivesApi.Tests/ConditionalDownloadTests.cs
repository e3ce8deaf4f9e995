using System.Net;
using System.Net.Http.Headers;
using Dapper;

namespace PerspectivesApi.Tests;

/// <summary>Downloads that know when nothing changed: every export kind carries a strong ETag (the archive
/// revision and the request) and a Last-Modified (the revision's time), answers 304 to a current If-None-Match or
/// If-Modified-Since, and 200 once the archive has changed. HEAD says the same without the rows.</summary>
public sealed class ConditionalDownloadTests : IDisposable
{
    private readonly ArchiveApp app = new();

    public static TheoryData<string> Downloads => new()
    {
        "/v1/stances?format=csv",
        "/v1/articles?format=parquet",
        "/v1/topics/baku-moscow-rift-is-permanent/stances?format=ndjson&limit=3",
        "/v1/search?q=Shusha&format=parquet",
        "/v1/export/tables/credits.parquet",
        "/v1/export/tables/stances.csv?limit=5",
        "/v1/topics/summary?format=csv",
        "/v1/topics/baku-moscow-rift-is-permanent/summary?format=parquet",
        "/v1/export/archive.sqlite",
    };

    /// <summary>GETs <paramref name="url"/> until its Last-Modified is sent: it is withheld for a second after a
    /// write (HTTP dates count whole seconds), so a test right after one waits that long, and no longer.</summary>
    public static async Task<(EntityTagHeaderValue ETag, DateTimeOffset LastModified)> SettledAsync(HttpClient client, string url)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var etag = response.Headers.ETag!;
            Assert.False(etag.IsWeak);
            if (response.Content.Headers.LastModified is { } lastModified) return (etag, lastModified);
            Assert.True(attempt < 40, $"{url} sent no Last-Modified for 10 s");
            await Task.Delay(250);
        }
    }

    [Theory, MemberData(nameof(Downloads))]
    public async Task Unchanged_is_304_changed_is_200_and_last_modified_moves(string url)
    {
        var client = app.CreateClient();
        var (etag, lastModified) = await SettledAsync(client, url);

        using (var byTag = new HttpRequestMessage(HttpMethod.Get, url))
        {
            byTag.Headers.IfNoneMatch.Add(etag);
            using var response = await client.SendAsync(byTag);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(etag, response.Headers.ETag);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
        using (var byDate = new HttpRequestMessage(HttpMethod.Get, url))
        {
            byDate.Headers.IfModifiedSince = lastModified;
            using var response = await client.SendAsync(byDate);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }
        using (var head = new HttpRequestMessage(HttpMethod.Head, url))
        {
            using var response = await client.SendAsync(head);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(etag, response.Headers.ETag);
            Assert.Equal(lastModified, response.Content.Headers.LastModified);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        await using (var connection = await app.OpenAsync())
            await connection.ExecuteAsync("UPDATE stances SET note = coalesce(note, '') || '.' WHERE id = 'ismailov-rift-point-of-no-return'");

        using (var byTag = new HttpRequestMessage(HttpMethod.Get, url))
        {
            byTag.Headers.IfNoneMatch.Add(etag);
            using var response = await client.SendAsync(byTag);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(etag, response.Headers.ETag);
            Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        }
        using (var byDate = new HttpRequestMessage(HttpMethod.Get, url))
        {
            byDate.Headers.IfModifiedSince = lastModified;
            using var response = await client.SendAsync(byDate);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var (_, moved) = await SettledAsync(client, url);
        Assert.True(moved > lastModified, $"Last-Modified stayed at {lastModified} after a write");
    }

    [Fact]
    public async Task Each_request_has_its_own_etag_and_the_format_is_part_of_it()
    {
        var client = app.CreateClient();
        async Task<EntityTagHeaderValue> TagOf(string url, string? accept = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (accept is not null) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.ETag!;
        }
        var tags = new[]
        {
            await TagOf("/v1/stances?format=csv"), await TagOf("/v1/stances?format=parquet"), await TagOf("/v1/stances?format=csv&limit=5"),
            await TagOf("/v1/stances", "text/csv"), await TagOf("/v1/stances?position=opposes&format=csv"),
        };
        Assert.Equal(tags.Length, tags.Distinct().Count());
        Assert.Equal(tags[0], await TagOf("/v1/stances?format=csv"));
    }

    /// <summary>A compressed CSV has its own ETag ("…+br"), and sending it back still gets a 304.</summary>
    [Fact]
    public async Task A_compressed_export_answers_304_to_its_coded_etag()
    {
        var client = app.CreateClient();
        using var first = new HttpRequestMessage(HttpMethod.Get, "/v1/export/tables/stances.csv");
        first.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        using var compressed = await client.SendAsync(first);
        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Contains("br", compressed.Content.Headers.ContentEncoding);
        var coded = compressed.Headers.ETag!;
        Assert.EndsWith("+br\"", coded.Tag.ToString());

        using var again = new HttpRequestMessage(HttpMethod.Get, "/v1/export/tables/stances.csv");
        again.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        again.Headers.IfNoneMatch.Add(coded);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(coded, notModified.Headers.ETag);

        // Parquet is compressed inside the file: it is sent as it is, with its own tag.
        using var parquet = new HttpRequestMessage(HttpMethod.Get, "/v1/export/tables/stances.parquet");
        parquet.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        using var plain = await client.SendAsync(parquet);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.DoesNotContain("+", plain.Headers.ETag!.Tag.ToString());
    }

    [Fact]
    public async Task An_if_modified_since_that_is_not_a_date_is_ignored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/export/tables/topics.csv");
        request.Headers.TryAddWithoutValidation("If-Modified-Since", "yesterday");
        using var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public void Dispose() => app.Dispose();
}
