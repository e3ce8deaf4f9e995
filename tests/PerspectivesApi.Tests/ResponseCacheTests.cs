using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Microsoft.AspNetCore.Hosting;

namespace PerspectivesApi.Tests;

/// <summary>The server keeps JSON read answers keyed by exact URL, Accept and the archive revision: a
/// repeated read is served from memory (it carries an Age header), and any write, by any connection,
/// makes the next read fresh.</summary>
public sealed class ResponseCacheTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private static async Task<(HttpStatusCode Status, string Body, bool FromCache, string? ETag)> GetAsync(HttpClient client, string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Age is not null, response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_repeated_read_is_served_from_the_cache_with_the_same_body_and_etag()
    {
        var client = app.CreateClient();
        var first = await GetAsync(client, "/v1/articles?limit=3&sort=title");
        var second = await GetAsync(client, "/v1/articles?limit=3&sort=title");
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.ETag, second.ETag);

        // The cached answer still honours If-None-Match.
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/v1/articles?limit=3&sort=title");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(first.ETag!));
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task A_write_by_another_connection_makes_the_next_read_fresh()
    {
        var client = app.CreateClient();
        await GetAsync(client, "/v1/outlets/charter97");
        Assert.True((await GetAsync(client, "/v1/outlets/charter97")).FromCache);

        await using (var connection = await app.OpenAsync())
            await connection.ExecuteAsync("UPDATE outlets SET description = 'Changed behind the service''s back.' WHERE id = 'charter97'");

        var after = await GetAsync(client, "/v1/outlets/charter97");
        Assert.False(after.FromCache);
        Assert.Contains("Changed behind the service's back.", after.Body);
        // The list that embeds it is fresh too: every entry of the old revision is out of reach.
        Assert.Contains("Changed behind the service's back.", (await GetAsync(client, "/v1/outlets?limit=100")).Body);
    }

    [Fact]
    public async Task Paths_and_queries_are_matched_exactly()
    {
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/v1/outlets/georgia-today")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/v1/outlets/georgia-today")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, "/v1/outlets/GEORGIA-TODAY")).Status);

        await GetAsync(client, "/v1/articles?limit=2");
        Assert.True((await GetAsync(client, "/v1/articles?limit=2")).FromCache);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(client, "/v1/articles?Limit=2")).Status);
        var other = await GetAsync(client, "/v1/articles?limit=2&genre=news");
        Assert.False(other.FromCache);
    }

    [Fact]
    public async Task Exports_and_other_formats_are_never_served_from_the_cache()
    {
        var client = app.CreateClient();
        await GetAsync(client, "/v1/outlets?limit=100");
        var csv = await GetAsync(client, "/v1/outlets?limit=100", accept: "text/csv");
        // Export parameters are refused with limit; the Accept header alone must not get the cached JSON.
        Assert.False(csv.FromCache);
        Assert.DoesNotContain("\"items\"", csv.Body);

        await GetAsync(client, "/v1/outlets?format=ndjson");
        var again = await GetAsync(client, "/v1/outlets?format=ndjson");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.False(again.FromCache);
    }

    [Fact]
    public async Task Errors_are_not_kept()
    {
        var client = app.CreateClient();
        await GetAsync(client, "/v1/articles/no-such-article");
        var again = await GetAsync(client, "/v1/articles/no-such-article");
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.False(again.FromCache);
    }
}

/// <summary>With <c>ResponseCache:Enabled=false</c> every read is computed (what the benchmark's cold pass runs).</summary>
public sealed class ArchiveWithoutResponseCache : ArchiveApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ResponseCache:Enabled", "false");
    }
}

public sealed class ResponseCacheOffTests(ArchiveWithoutResponseCache app) : IClassFixture<ArchiveWithoutResponseCache>
{
    [Fact]
    public async Task Nothing_is_served_from_the_cache_when_it_is_off()
    {
        var client = app.CreateClient();
        using var first = await client.GetAsync("/v1/articles?limit=3");
        using var second = await client.GetAsync("/v1/articles?limit=3");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Null(second.Headers.Age);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }
}
