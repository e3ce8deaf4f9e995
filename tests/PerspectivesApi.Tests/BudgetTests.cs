using System.Diagnostics;
using System.Net;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>A synthetic archive of 5,000 articles and about 15,000 stances, made once by the binary's
/// <c>generate</c> command, on which a search within the input limits still costs about a second of CPU.</summary>
public sealed class GeneratedArchive : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-generated-").FullName;

    public string Path => System.IO.Path.Combine(directory, "archive.db");

    public Task InitializeAsync() => RealServer.GenerateArchiveAsync(Path, articles: 5_000);

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

/// <summary>Every read has a time budget, enforced inside SQLite: past it the client gets a 503 with
/// Retry-After; a client that leaves stops its query; nothing keeps burning afterwards. On the real binary,
/// on Kestrel, because only there do a dropped connection and a busy process look like they do in production.</summary>
public sealed class BudgetTests(GeneratedArchive archive) : IClassFixture<GeneratedArchive>
{
    /// <summary>Within every input limit (16 terms, 15 operators, 8 prefixes of 3 letters), yet every
    /// article and stance matches all 16 terms, and ranking or highlighting them weighs each against each.</summary>
    private static readonly string CostlySearch = Uri.EscapeDataString(
        string.Join(" OR ", Enumerable.Repeat("the*", 8).Concat(Enumerable.Repeat("the", 8))));

    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);

    /// <summary>Compiled fully at first call: the runtime's background recompilation of methods that
    /// became hot (tiered compilation) would otherwise look like work going on after the request.</summary>
    private static readonly Dictionary<string, string> Quietly = new() { ["DOTNET_TieredCompilation"] = "0" };

    [Fact]
    public async Task Five_hundred_prefix_terms_are_refused_within_a_second_and_leave_the_server_idle()
    {
        await using var server = await RealServer.StartAsync(Quietly);
        using var client = server.CreateClient();
        using (await client.GetAsync("/v1/search?q=russia")) { } // start-up work (JIT) is not the query's

        var q = Uri.EscapeDataString(string.Join(" OR ", Enumerable.Repeat("a*", 500)));
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync($"/v1/search?q={q}");
        clock.Stop();

        var problem = await ProblemAssert.NamesParameterAsync(response, "q");
        Assert.Contains("a search may be at most 256", problem.GetProperty("errors").GetProperty("q")[0].GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"answered after {clock.Elapsed}");
        await AssertIdleAsync(server);
    }

    [Fact]
    public async Task A_costly_search_within_the_limits_is_stopped_at_its_budget_with_a_503_and_Retry_After()
    {
        await using var server = await RealServer.StartAsync(new Dictionary<string, string>(Quietly)
        {
            ["QueryBudget__ReadTimeout"] = "00:00:00.200",
            ["ResponseCache__Enabled"] = "false",
        }, archive.Path);
        using var client = server.CreateClient();
        await WarmUpAsync(client);

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync($"/v1/search?q={CostlySearch}&count=true");
        clock.Stop();

        var problem = await ProblemAssert.IsProblemAsync(response, 503);
        Assert.Equal("/problems/time-budget-exceeded", problem.GetProperty("type").GetString());
        Assert.Contains("time budget of 200 ms", problem.GetProperty("detail").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"answered after {clock.Elapsed}");
        Assert.True(server.Output.Contains("Stopped GET /v1/search at its time budget of 200 ms"), server.Output);
        await AssertIdleAsync(server);

        // The connections the stopped request used went back to the pool clean: the next reads answer.
        using var next = await client.GetAsync("/v1/search?q=betrayal&limit=5");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_client_that_disconnects_stops_its_query()
    {
        await using var server = await RealServer.StartAsync(new Dictionary<string, string>(Quietly)
        {
            ["QueryBudget__ReadTimeout"] = "00:05:00", // only the client's leaving can stop it
            ["ResponseCache__Enabled"] = "false",
            ["Logging__LogLevel__PerspectivesApi.Data.QueryBudget"] = "Information",
        }, archive.Path);
        using var client = server.CreateClient();
        await WarmUpAsync(client);

        // Ranking, counting and highlighting 100 hits of this query takes seconds of CPU; the client leaves after 200 ms.
        using var leave = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.GetAsync($"/v1/search?q={CostlySearch}&limit=100&count=true&facet=kind", leave.Token));

        // The signal that its statement was stopped: logged only when the work ends by interruption or
        // cancellation, never when it runs to completion.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!server.Output.Contains("the client went away") && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Contains("Stopped the database work of GET /v1/search after", server.Output);
        await AssertIdleAsync(server);
    }

    [Fact]
    public async Task An_export_that_cannot_start_within_the_read_budget_is_a_503_not_a_csv_header()
    {
        await using var server = await RealServer.StartAsync(new Dictionary<string, string>(Quietly)
        {
            ["QueryBudget__ReadTimeout"] = "00:00:00.200",
        }, archive.Path);
        using var client = server.CreateClient();

        using var response = await client.GetAsync($"/v1/search?q={CostlySearch}&format=csv");

        var problem = await ProblemAssert.IsProblemAsync(response, 503);
        Assert.Equal("/problems/time-budget-exceeded", problem.GetProperty("type").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task An_export_that_outlasts_its_budget_is_cut_so_that_the_client_can_tell()
    {
        await using var server = await RealServer.StartAsync(new Dictionary<string, string>(Quietly)
        {
            ["QueryBudget__ReadTimeout"] = "00:00:00.500",
            ["QueryBudget__ExportTimeout"] = "00:00:01",
        }, archive.Path);
        using var client = server.CreateClient();

        using var response = await client.GetAsync("/v1/stances?format=ndjson", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[1024];
        Assert.True(await body.ReadAsync(first) > 0);
        // A client that stops reading: the export waits on it, and its budget runs out meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(2));

        var received = 0L;
        // The connection ends without the stream's last chunk: reading fails instead of ending.
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0) received += read;
        });
        Assert.True(server.Output.Contains("Stopped GET /v1/stances at its time budget of 1000 ms"), server.Output);
        await AssertIdleAsync(server);
    }

    private const string EndlessCount = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 2000000000) SELECT count(*) FROM n";

    [Fact]
    public async Task A_statement_is_stopped_inside_SQLite_at_the_budget_and_its_pooled_connection_comes_back_clean()
    {
        using var directory = new TemporaryDirectory();
        var database = new Database(Path.Combine(directory.Path, "budget.db"));
        var options = new QueryBudgetOptions { ReadTimeout = TimeSpan.FromMilliseconds(100) };

        // In its own method, as in a request: the ambient budget ends with it.
        async Task<(SqliteException Stopped, TimeSpan After, object Handle)> RunOutOfTimeAsync()
        {
            using var budget = QueryBudget.Begin(options, CancellationToken.None);
            await using var connection = await database.OpenAsync();
            var clock = Stopwatch.StartNew();
            var stopped = await Assert.ThrowsAsync<SqliteException>(() =>
                Task.Run(() => connection.ExecuteScalar<long>(EndlessCount)).WaitAsync(TimeSpan.FromSeconds(60)));
            return (stopped, clock.Elapsed, connection.Handle!);
        }

        var (stopped, after, handle) = await RunOutOfTimeAsync();
        Assert.Equal(QueryBudget.Interrupted, stopped.SqliteErrorCode);
        Assert.True(after < TimeSpan.FromSeconds(5), $"stopped after {after}");
        Assert.Null(QueryBudget.Current);

        // The same native connection, from the pool, with no budget: neither the interrupt nor the
        // progress handler outlived the request, so a statement longer than the old budget runs to its end.
        await Task.Delay(200);
        await using var reused = await database.OpenAsync();
        Assert.Same(handle, reused.Handle);
        Assert.Equal(3_000_000, await reused.ExecuteScalarAsync<long>(EndlessCount.Replace("2000000000", "3000000")));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_statement_started_after_the_budget_ran_out_is_stopped_too()
    {
        using var directory = new TemporaryDirectory();
        var database = new Database(Path.Combine(directory.Path, "budget.db"));
        using var budget = QueryBudget.Begin(new QueryBudgetOptions { ReadTimeout = TimeSpan.FromMilliseconds(50) }, CancellationToken.None);
        await using var connection = await database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT 1"));
        await Task.Delay(300); // the budget runs out between two statements

        var stopped = await Assert.ThrowsAsync<SqliteException>(() =>
            Task.Run(() => connection.ExecuteScalar<long>(EndlessCount)).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(QueryBudget.Interrupted, stopped.SqliteErrorCode);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_client_that_leaves_stops_the_running_statement_inside_SQLite()
    {
        using var directory = new TemporaryDirectory();
        var database = new Database(Path.Combine(directory.Path, "budget.db"));
        // A budget that would allow minutes: only the client's leaving, 200 ms in, can stop the statement.
        using var leaves = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        using var budget = QueryBudget.Begin(new QueryBudgetOptions { ReadTimeout = TimeSpan.FromMinutes(5) }, leaves.Token);
        await using var connection = await database.OpenAsync();

        // One step of one statement: no cancellation token is ever looked at while it runs.
        var stopped = await Assert.ThrowsAsync<SqliteException>(() =>
            Task.Run(() => connection.ExecuteScalar<long>(EndlessCount)).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(QueryBudget.Interrupted, stopped.SqliteErrorCode);
        Assert.True(budget.ClientGone);
        Assert.False(budget.Exceeded);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task The_snapshot_copy_stops_between_its_steps_once_the_budget_is_spent()
    {
        using var directory = new TemporaryDirectory();
        var database = new Database(Path.Combine(directory.Path, "budget.db"));
        await using (var setup = await database.OpenAsync())
            await setup.ExecuteAsync("""
                CREATE TABLE pages (data BLOB);
                WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 3000) INSERT INTO pages SELECT randomblob(4000) FROM n;
                """);

        using var budget = QueryBudget.Begin(new QueryBudgetOptions { ReadTimeout = TimeSpan.FromMilliseconds(50) }, CancellationToken.None);
        await using var source = await database.OpenAsync();
        await Task.Delay(200);
        await using var destination = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "copy.db")};Pooling=False");
        await destination.OpenAsync();

        // A backup runs no statement, so nothing inside SQLite stops it: the copy looks between its steps.
        var stopped = Assert.Throws<SqliteException>(() => source.BackupTo(destination));
        Assert.Equal(QueryBudget.Interrupted, stopped.SqliteErrorCode);
        Assert.Equal(0, await destination.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_schema"));
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Compiles what a search runs through, so that the first costly request is measured, not the
    /// JIT: under a 200 ms budget, even a cheap first search may be stopped while it is being compiled.</summary>
    private static async Task WarmUpAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var response = await client.GetAsync("/v1/search?q=betrayal&limit=5&count=true");
            if (response.StatusCode == HttpStatusCode.OK) return;
        }
        Assert.Fail("a cheap search never answered within its budget");
    }

    /// <summary>Nothing keeps running: over a quiet period the server uses little CPU, and its threads are
    /// asleep in most samples (a query still running would be runnable in nearly all of them, however
    /// loaded the machine).</summary>
    private static async Task AssertIdleAsync(RealServer server)
    {
        await Task.Delay(300); // the request's own last steps
        var activity = await server.ObserveAsync(Quiet);
        Assert.True(activity.CpuTime < TimeSpan.FromSeconds(0.3) && activity.RunnableShare < 0.5,
            $"the server kept working: {activity.CpuTime.TotalSeconds:0.00} s of CPU in {Quiet.TotalSeconds} s, runnable in {activity.RunnableShare:P0} of samples");
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("perspectives-budget-").FullName;

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
