using System.Diagnostics;
using System.Net;
using Dapper;

namespace PerspectivesApi.Tests;

/// <summary>Every read has a time budget, enforced inside the database (SQLite's progress handler, PostgreSQL's cancel request): past it the client gets a 503 with
/// Retry-After; a client that leaves stops its query; nothing keeps burning afterwards. On the real binary,
/// on Kestrel, because only there do a dropped connection and a busy process look like they do in production.</summary>
[Collection(RunsAlone.Name)]
public sealed class BudgetTests(FiveThousandArticles archive) : IClassFixture<FiveThousandArticles>
{
    /// <summary>Within every input limit (16 terms, 15 operators, 8 prefixes of 3 letters), yet costly to the
    /// engine the tests run on. For FTS5: every article and stance matches all 16 terms, and ranking or
    /// highlighting them weighs each against each. For PostgreSQL, which answers that one in a tenth of a second
    /// here: phrases, which its GIN index cannot check, so every candidate's positions are read and compared.</summary>
    private static readonly string CostlySearch = Uri.EscapeDataString(TestPostgres.Enabled
        ? string.Join(" OR ", Enumerable.Repeat("\"the* the*\"", 4).Concat(Enumerable.Repeat("\"the the\"", 4)))
        : string.Join(" OR ", Enumerable.Repeat("the*", 8).Concat(Enumerable.Repeat("the", 8))));

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
        }, archive);
        using var client = server.CreateClient();
        await WarmUpAsync(client);

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync($"/v1/search?q={CostlySearch}&limit=100&count=true&facet=kind");
        clock.Stop();

        var problem = await ProblemAssert.IsProblemAsync(response, 503);
        Assert.Equal("/problems/time-budget-exceeded", problem.GetProperty("type").GetString());
        Assert.Contains("time budget of 200 ms", problem.GetProperty("detail").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"answered after {clock.Elapsed}");
        await server.WaitForOutputAsync("Stopped GET /v1/search at its time budget of 200 ms");
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
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information", // "Request starting …"
        }, archive);
        using var client = server.CreateClient();
        await WarmUpAsync(client);

        // Ranking, counting and highlighting 100 hits of this query takes seconds of CPU. The client leaves
        // 200 ms after the server has begun it (on a loaded machine, 200 ms after sending could be before).
        using var leave = new CancellationTokenSource();
        var search = client.GetAsync($"/v1/search?q={CostlySearch}&limit=100&count=true&facet=kind", leave.Token);
        await server.WaitForOutputAsync($"Request starting HTTP/1.1 GET http://127.0.0.1:{server.Port}/v1/search?q={CostlySearch[..6]}");
        await Task.Delay(200);
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => search);

        // The signal that its statement was stopped: logged only when the work ends by interruption or
        // cancellation, never when it runs to completion.
        await server.WaitForOutputAsync("Stopped the database work of GET /v1/search after");
        await AssertIdleAsync(server);
    }

    [Fact]
    public async Task An_export_that_cannot_start_within_the_read_budget_is_a_503_not_a_csv_header()
    {
        await using var server = await RealServer.StartAsync(new Dictionary<string, string>(Quietly)
        {
            ["QueryBudget__ReadTimeout"] = "00:00:00.200",
        }, archive);
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
        }, archive);
        using var client = server.CreateClient();

        using var response = await client.GetAsync("/v1/stances?format=ndjson", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[1024];
        Assert.True(await body.ReadAsync(first) > 0);
        // A client that stops reading: the export waits on it, and its budget runs out meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(2));

        // The connection ends without the stream's last chunk: reading fails instead of ending.
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            var buffer = new byte[1 << 16];
            while (await body.ReadAsync(buffer) > 0) { }
        });
        await server.WaitForOutputAsync("Stopped GET /v1/stances at its time budget of 1000 ms");
        await AssertIdleAsync(server);
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
        if (server.OnPostgres)
        {
            // On PostgreSQL the query runs in the database server's own process: none of the archive's is still running one.
            await using var connection = await server.OpenDatabaseAsync();
            var running = (await connection.QueryAsync<string>(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()")).ToList();
            Assert.True(running.Count == 0, $"the database is still running: {string.Join(" | ", running)}");
        }
    }
}
