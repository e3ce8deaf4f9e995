using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Tests;

/// <summary>The service over a PostgreSQL primary and a hot standby streaming from it (.ci/postgres.sh --standby),
/// with <c>Database:Reads</c> = PreferStandby: public reads are answered by the standby, and writes, with every
/// check they make (If-Match, idempotency keys, curator keys), by the primary. What a client may observe: a read
/// older than a write already answered, by the standby's lag. What it never will: a write lost or applied twice,
/// a write allowed by a stale ETag, or a cached answer older than the revision it is served for.
/// Needs ARCHIVE_TEST_PG_STANDBY beside ARCHIVE_TEST_PG: it runs in CI's PostgreSQL pass (trait Engine=PostgreSQL,
/// which the solution's default run leaves out, as it has no PostgreSQL).</summary>
[Trait("Engine", "PostgreSQL")]
public sealed class StandbyTests : IDisposable
{
    public const string StandbyVariable = "ARCHIVE_TEST_PG_STANDBY";

    private readonly StandbyArchive app = new();

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task Reads_come_from_the_standby_while_writes_and_their_checks_go_to_the_primary()
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync("standby-writer");
        using var curator = app.CreateClient();
        curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var reader = app.CreateClient();
        await app.StandbyCaughtUpAsync();
        var before = await app.GetJsonAsync("/v1/outlets?limit=100"); // read, and cached, at the standby's revision
        Assert.DoesNotContain("standby-outlet", before.Ids());

        await app.PauseReplayAsync();
        try
        {
            // The write is answered by the primary, although the standby applies nothing meanwhile.
            using var created = await curator.SendAsync(Post("/v1/outlets", new { id = "standby-outlet", name = "Standby Outlet" }, "standby-key"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

            // A read may be older than a write already answered: the paused standby has not seen it.
            using (var missing = await reader.GetAsync("/v1/outlets/standby-outlet"))
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.DoesNotContain("standby-outlet", (await app.GetJsonAsync("/v1/outlets?limit=100")).Ids());

            // Every check a write makes reads the primary: If-Match with the ETag just answered holds...
            var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/outlets/standby-outlet")
            {
                Content = new StringContent("""{"name":"Standby Outlet, renamed"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
            };
            patch.Headers.IfMatch.Add(created.Headers.ETag!);
            using var patched = await curator.SendAsync(patch);
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            // ...a stale one is refused, so a client that read from a lagging standby cannot overwrite a newer write...
            var stale = new HttpRequestMessage(HttpMethod.Patch, "/v1/outlets/standby-outlet")
            {
                Content = new StringContent("""{"name":"Lost update"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
            };
            stale.Headers.IfMatch.Add(created.Headers.ETag!);
            using (var refused = await curator.SendAsync(stale))
                Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
            // ...and a retried create replays its first answer instead of writing again.
            using var replayed = await curator.SendAsync(Post("/v1/outlets", new { id = "standby-outlet", name = "Standby Outlet" }, "standby-key"));
            Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
            Assert.Equal(created.Headers.ETag, replayed.Headers.ETag);

            await app.ResumeReplayAsync();
            await app.StandbyCaughtUpAsync();

            // Once the standby has applied them, reads show the writes, the list's cached answer included.
            using var found = await reader.GetAsync("/v1/outlets/standby-outlet");
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal(patched.Headers.ETag, found.Headers.ETag);
            Assert.Equal("Standby Outlet, renamed", (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
            Assert.Contains("standby-outlet", (await app.GetJsonAsync("/v1/outlets?limit=100")).Ids());
            using var history = await reader.GetAsync("/v1/outlets/standby-outlet/revisions");
            Assert.Equal(2, (await history.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength()); // create and patch, once each
        }
        finally
        {
            await app.ResumeReplayAsync();
        }
    }

    [Fact]
    public async Task The_standby_answers_the_reads_it_is_sent()
    {
        await app.StandbyCaughtUpAsync();
        using var reader = app.CreateClient();
        // Connections the service opened to this archive's database on the standby, before and after some reads.
        using (var response = await reader.GetAsync("/v1/articles?limit=3")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var response = await reader.GetAsync("/v1/search?q=pipeline")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await app.StandbyConnectionsAsync() > 0, "the service holds no connection to the standby after reading");
    }

    private static HttpRequestMessage Post(string path, object body, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }
}

/// <summary>The service over its own database on the test primary, configured with both hosts and reads sent to the standby.</summary>
public sealed class StandbyArchive : ArchiveApp
{
    private static string StandbyServer => Environment.GetEnvironmentVariable(StandbyTests.StandbyVariable) is { Length: > 0 } standby
        ? standby
        : throw new InvalidOperationException($"StandbyTests need {StandbyTests.StandbyVariable}, the connection string of a standby of ARCHIVE_TEST_PG's cluster (.ci/postgres.sh --standby prints one).");

    private NpgsqlConnectionStringBuilder Primary => new(Postgres?.ConnectionString ?? throw new InvalidOperationException($"StandbyTests run on PostgreSQL: set {TestPostgres.ProviderVariable}=PostgreSQL."));

    private NpgsqlConnectionStringBuilder Standby => new(StandbyServer) { Database = Primary.Database };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var both = new NpgsqlConnectionStringBuilder(Primary.ConnectionString)
        {
            Host = $"{Primary.Host}:{Primary.Port},{Standby.Host}:{Standby.Port}",
        };
        builder.UseSetting("Database:ConnectionString", both.ConnectionString);
        builder.UseSetting("Database:Reads", "PreferStandby");
    }

    /// <summary>Waits until the standby has applied every write the primary has committed so far: until the archive's
    /// revision (which every write moves, in its own transaction) reads the same on both. Not by comparing WAL positions:
    /// the test cluster commits asynchronously, so the primary's write position can still be short of a commit record.</summary>
    public async Task StandbyCaughtUpAsync()
    {
        _ = Services; // start-up (migrations, seed) has run on the primary
        long revision;
        await using (var primary = new NpgsqlConnection(Primary.ConnectionString))
            revision = await primary.ExecuteScalarAsync<long>(PerspectivesApi.Http.ArchiveRevision.Query);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await StandbyRevisionAsync() < revision)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"the standby did not reach the primary's revision {revision} within 60 s");
            await Task.Delay(50);
        }
    }

    /// <summary>The archive's revision on the standby; -1 while the standby has not yet replayed the database or its schema.</summary>
    private async Task<long> StandbyRevisionAsync()
    {
        try
        {
            await using var standby = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Standby.ConnectionString) { Pooling = false }.ConnectionString);
            return await standby.ExecuteScalarAsync<long>(PerspectivesApi.Http.ArchiveRevision.Query);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.UndefinedTable)
        {
            return -1;
        }
    }

    public Task PauseReplayAsync() => OnStandbyAsync("SELECT pg_wal_replay_pause()");

    public Task ResumeReplayAsync() => OnStandbyAsync("SELECT pg_wal_replay_resume()");

    /// <summary>How many connections to this archive's database the standby serves.</summary>
    public async Task<int> StandbyConnectionsAsync()
    {
        await using var standby = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(StandbyServer) { Pooling = false }.ConnectionString);
        return await standby.ExecuteScalarAsync<int>("SELECT count(*) FROM pg_stat_activity WHERE datname = @database", new { database = Primary.Database });
    }

    private async Task OnStandbyAsync(string sql)
    {
        await using var standby = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(StandbyServer) { Pooling = false }.ConnectionString);
        await standby.ExecuteAsync(sql);
    }
}
