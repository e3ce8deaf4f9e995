using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>Two service instances over one database are indistinguishable to a client: a write through one is
/// read at once through the other (its response cache included), a cursor made by one is followed by the other,
/// and an idempotent retry that lands on the other replays. On PostgreSQL (ARCHIVE_TEST_PROVIDER=PostgreSQL),
/// two replicas over one server database; on SQLite, two processes' worth of service over one file.</summary>
public sealed class ReplicaTests : IDisposable
{
    private readonly ArchiveApp first = new();
    private readonly ReplicaApp second;

    public ReplicaTests() => second = new ReplicaApp(first);

    public void Dispose()
    {
        second.Dispose();
        first.Dispose();
    }

    private static async Task<HttpClient> CuratorAsync(ArchiveApp app, string secret)
    {
        _ = app.Services;
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await Task.FromResult(client);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_write_through_one_replica_is_read_at_once_through_the_other_cache_included()
    {
        var reader = second.CreateClient();
        // Read (and cache) the list on the second replica first.
        var before = await second.GetJsonAsync("/v1/outlets?limit=100");
        Assert.DoesNotContain("replica-outlet", before.Ids());

        var (_, secret) = await first.Services.GetRequiredService<ApiKeys>().CreateAsync("replica-writer");
        var writer = await CuratorAsync(first, secret);
        using var created = await writer.PostAsync("/v1/outlets", Json(new { id = "replica-outlet", name = "Replica Outlet" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var after = await second.GetJsonAsync("/v1/outlets?limit=100");
        Assert.Contains("replica-outlet", after.Ids());
        using var one = await reader.GetAsync("/v1/outlets/replica-outlet");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(created.Headers.ETag, one.Headers.ETag);
    }

    [Fact]
    public async Task A_cursor_made_by_one_replica_is_followed_by_the_other()
    {
        var firstPage = await first.GetJsonAsync("/v1/stances?limit=3&sort=id");
        var cursor = firstPage.NullableString("nextCursor");
        Assert.NotNull(cursor);
        var onFirst = await first.GetJsonAsync("/v1/stances?limit=3&sort=id&cursor=" + Uri.EscapeDataString(cursor));
        var onSecond = await second.GetJsonAsync("/v1/stances?limit=3&sort=id&cursor=" + Uri.EscapeDataString(cursor));
        Assert.Equal(onFirst.Ids(), onSecond.Ids());
        Assert.Equal(onFirst.NullableString("nextCursor"), onSecond.NullableString("nextCursor"));
        Assert.DoesNotContain(firstPage.Ids().First(), onSecond.Ids());
    }

    [Fact]
    public async Task An_idempotent_retry_landing_on_the_other_replica_replays_the_first_answer()
    {
        var (_, secret) = await first.Services.GetRequiredService<ApiKeys>().CreateAsync("replica-retrier");
        var body = new { id = "retried-outlet", name = "Retried Outlet" };

        using var original = new HttpRequestMessage(HttpMethod.Post, "/v1/outlets") { Content = Json(body) };
        original.Headers.Add("Idempotency-Key", "replica-retry-1");
        using var answered = await (await CuratorAsync(first, secret)).SendAsync(original);
        Assert.Equal(HttpStatusCode.Created, answered.StatusCode);

        using var retry = new HttpRequestMessage(HttpMethod.Post, "/v1/outlets") { Content = Json(body) };
        retry.Headers.Add("Idempotency-Key", "replica-retry-1");
        using var replayed = await (await CuratorAsync(second, secret)).SendAsync(retry);
        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.Equal(answered.Headers.ETag, replayed.Headers.ETag);
        Assert.Equal(answered.Headers.Location, replayed.Headers.Location);
        Assert.Equal(await answered.Content.ReadAsStringAsync(), await replayed.Content.ReadAsStringAsync());

        await using var connection = await first.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM revisions WHERE collection = 'outlets' AND resource_id = 'retried-outlet'"));
    }
}

/// <summary>Replicas starting at the same moment on a new, empty database: one migrates it and loads the corpus,
/// the other waits and finds it done.</summary>
public sealed class ReplicaStartTests
{
    [Fact]
    public async Task Two_replicas_starting_at_once_on_an_empty_database_migrate_it_and_load_the_corpus_once()
    {
        using var first = new ArchiveApp();
        using var second = new ReplicaApp(first);
        await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));

        await using var connection = await first.OpenAsync();
        if (SqlDialect.Of(connection).Provider == DatabaseProvider.PostgreSQL)
        {
            var applied = (await connection.QueryAsync<(long Version, long Times)>("SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version")).ToList();
            Assert.Equal(Enumerable.Range(1, Migrator.Postgres.Count).Select(v => (long)v), applied.Select(a => a.Version));
            Assert.All(applied, a => Assert.Equal(1, a.Times));
        }
        else
            Assert.Equal(Migrator.LatestVersion, await Migrator.CurrentVersionAsync(connection));

        // The corpus once: one creation per record, whichever replica loaded it.
        var manifest = SeedCorpus.LoadManifest();
        var records = manifest.Outlets.Count + manifest.Authors.Count + manifest.Topics.Count + manifest.Articles.Count + manifest.Stances.Count;
        Assert.Equal(records, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM revisions WHERE curator = 'seed-corpus'"));
        Assert.Equal(5, (await second.GetJsonAsync("/v1/articles?count=true")).GetProperty("total").GetInt64());
    }
}
