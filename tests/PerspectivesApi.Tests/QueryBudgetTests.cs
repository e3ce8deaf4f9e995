using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>Tests that run alone, after the others: those that look at what a pooled connection keeps (no
/// other test may clear the pools meanwhile) and those that time a server or watch its CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}

/// <summary>The budget's mechanism, below HTTP: a statement is stopped inside SQLite, at the deadline or when
/// the client leaves, whether it was running then or started later, and the pooled connection it ran on
/// comes back with nothing left that could stop the next user's statements.</summary>
[Collection(RunsAlone.Name)]
public sealed class QueryBudgetTests
{
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
    public async Task The_snapshot_copy_stops_once_the_budget_is_spent()
    {
        using var directory = new TemporaryDirectory();
        using var app = new ArchiveApp();
        await using (await app.OpenAsync()) { } // created, migrated and seeded

        using var budget = QueryBudget.Begin(new QueryBudgetOptions { ReadTimeout = TimeSpan.FromMilliseconds(50) }, CancellationToken.None);
        await Task.Delay(200);
        // The copy is made of statements (one INSERT … SELECT per table), each stopped like any other read.
        var stopped = await Assert.ThrowsAsync<SqliteException>(() =>
            PerspectivesApi.Exports.SnapshotContent.WriteAsync(app.DatabasePath, Path.Combine(directory.Path, "copy.db"), CancellationToken.None));
        Assert.Equal(QueryBudget.Interrupted, stopped.SqliteErrorCode);
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
