using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>The service's kept SQLite sessions (<see cref="SqliteSessions"/>): a statement is compiled once per
/// session and reused with new parameters, and a session comes back to the next request as if new: no
/// transaction, no running statement, no budget of the request before, the schema as it is now.</summary>
[Trait("Engine", "Sqlite")]
public sealed class SqliteSessionTests : IDisposable
{
    private const string EndlessCount = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 2000000000) SELECT count(*) FROM n";

    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-sessions-").FullName;
    private readonly Database database;

    public SqliteSessionTests()
    {
        database = new Database(Path.Combine(directory, "sessions.db"), busyTimeoutSeconds: 1, keepStatements: true);
        using var setup = Unpooled();
        setup.Execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);");
    }

    [Fact]
    public async Task A_statement_is_compiled_once_per_session_and_runs_again_with_new_parameters()
    {
        const string sql = "SELECT x * 10 FROM t WHERE x = @x";
        NativeStatement? kept = null;
        for (var i = 0; i < 30; i++)
        {
            await using var connection = await database.OpenAsync();
            Assert.Equal((i % 3 + 1) * 10, await connection.ExecuteScalarAsync<long>(sql, new { x = i % 3 + 1 }));
            // One request at a time: always the same session, running the one statement it keeps for the text.
            kept ??= Session(connection).Kept(sql);
            Assert.NotNull(kept);
            Assert.Same(kept, Session(connection).Kept(sql));
        }
    }

    [Fact]
    public async Task A_session_given_back_inside_a_transaction_is_closed_and_its_writes_rolled_back()
    {
        SQLitePCL.sqlite3 abandoned;
        await using (var connection = await database.OpenAsync())
        {
            abandoned = Handle(connection);
            await connection.ExecuteAsync("BEGIN IMMEDIATE");
            await connection.ExecuteAsync("INSERT INTO t VALUES (4)");
            // An exception between BEGIN and COMMIT: the request ends without either.
        }

        await using var next = await database.OpenAsync();
        Assert.NotSame(abandoned, Handle(next));
        Assert.Equal(3, await next.ExecuteScalarAsync<long>("SELECT count(*) FROM t"));
        // No lock outlived the abandoned transaction: this write does not wait out the busy timeout.
        await next.ExecuteAsync("BEGIN IMMEDIATE; INSERT INTO t VALUES (5); COMMIT;");
        Assert.Equal(4, await next.ExecuteScalarAsync<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task The_same_query_run_inside_its_own_reader_gets_a_statement_of_its_own()
    {
        const string sql = "SELECT x FROM t ORDER BY x";
        SQLitePCL.sqlite3 handle;
        await using (var connection = await database.OpenAsync())
        {
            handle = Handle(connection);
            var pairs = new List<(long Outer, long Inner)>();
            await using (var reader = await connection.ExecuteReaderAsync(sql))
                while (await reader.ReadAsync())
                    pairs.Add((reader.GetInt64(0), (await connection.QueryAsync<long>(sql)).Sum()));
            Assert.Equal([(1L, 6L), (2L, 6L), (3L, 6L)], pairs);
        }

        // Both readers ended, so the session was at rest and is handed out again.
        await using var again = await database.OpenAsync();
        Assert.Same(handle, Handle(again));
        Assert.Equal([1L, 2L, 3L], await again.QueryAsync<long>(sql));
    }

    [Fact]
    public async Task A_kept_statement_sees_a_schema_another_connection_changed()
    {
        await using (var connection = await database.OpenAsync())
            Assert.Single((IDictionary<string, object>)(await connection.QueryAsync("SELECT * FROM t WHERE x = 1")).Single());

        using (var other = Unpooled())
        {
            other.Execute("ALTER TABLE t ADD COLUMN label TEXT NOT NULL DEFAULT 'seven'");
        }

        await using var again = await database.OpenAsync();
        var row = (IDictionary<string, object>)(await again.QueryAsync("SELECT * FROM t WHERE x = 1")).Single();
        Assert.Equal("seven", row["label"]);
    }

    [Fact]
    public async Task A_budget_stops_a_kept_statement_and_the_session_serves_the_next_request_without_it()
    {
        var options = new QueryBudgetOptions { ReadTimeout = TimeSpan.FromMilliseconds(100) };

        async Task<SQLitePCL.sqlite3> RunOutOfTimeAsync()
        {
            using var budget = QueryBudget.Begin(options, CancellationToken.None);
            await using var connection = await database.OpenAsync();
            var stopped = await Assert.ThrowsAsync<SqliteException>(() =>
                Task.Run(() => connection.ExecuteScalar<long>(EndlessCount)).WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(QueryBudget.Interrupted, stopped.SqliteErrorCode);
            return Handle(connection);
        }

        var handle = await RunOutOfTimeAsync();
        await Task.Delay(200);
        await using var next = await database.OpenAsync();
        Assert.Same(handle, Handle(next));
        // The same compiled statement, longer than the old budget, now runs to its end.
        Assert.Equal(3_000_000, await next.ExecuteScalarAsync<long>(EndlessCount.Replace("2000000000", "3000000")));
    }

    [Fact]
    public async Task Disposing_the_database_closes_its_sessions_and_checkpoints_the_log()
    {
        await using (var connection = await database.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO t VALUES (10), (11)");
        var log = Path.Combine(directory, "sessions.db-wal");
        Assert.True(File.Exists(log), "the kept session holds the file open, with its write-ahead log");

        database.Dispose();

        Assert.False(File.Exists(log), "the last connection closed checkpoints the log into the file and removes it");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.OpenAsync());
        using var reopened = Unpooled();
        Assert.Equal(5, reopened.ExecuteScalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task A_limit_written_into_the_SQL_keeps_the_statement_compiled_where_a_bound_one_does_not()
    {
        // Why SqlDialect.Limit writes LIMIT into the text: SQLite's planner reads a bound LIMIT, and then compiles the
        // statement again each time the parameter is bound.
        await using var connection = await database.OpenAsync();
        foreach (var n in new[] { 1, 2, 3 })
        {
            Assert.Equal(n, (await connection.QueryAsync<long>("SELECT x FROM t ORDER BY x LIMIT @n", new { n })).Count());
            Assert.Single(await connection.QueryAsync<long>("SELECT x FROM t ORDER BY x " + SqlDialect.Limit(1)));
        }
        Assert.Equal(3, Recompilations(Session(connection).Kept("SELECT x FROM t ORDER BY x LIMIT @n")!)); // on each of its runs
        Assert.Equal(0, Recompilations(Session(connection).Kept("SELECT x FROM t ORDER BY x LIMIT 1")!));
    }

    [Fact]
    public async Task The_service_compiles_each_statement_of_its_reads_once()
    {
        await using var archive = new ArchiveApp();
        var article = (await archive.GetJsonAsync("/v1/articles?limit=1")).GetProperty("items")[0];
        var topic = (await archive.GetJsonAsync("/v1/topics?limit=1")).GetProperty("items")[0].GetProperty("id").GetString();
        var outlet = (await archive.GetJsonAsync("/v1/outlets?limit=1")).GetProperty("items")[0].GetProperty("id").GetString();
        string[] reads =
        [
            $"/v1/articles/{article.GetProperty("id").GetString()}", "/v1/articles?limit=5", "/v1/articles?limit=7&count=true",
            $"/v1/articles?outlet={outlet}&from=2020-01-01&to=2026-01-01&limit=3", $"/v1/stances?topic={topic}&limit=4",
            $"/v1/stances?topic={topic}&facet=position&facet=author&facetLimit=3&limit=1", "/v1/articles?q=russia&limit=2",
            "/v1/articles?q=russia&sort=-published&limit=2", $"/v1/topics/{topic}/summary", "/v1/outlets?limit=2", "/v1/authors?limit=2",
        ];
        foreach (var read in reads.Concat(reads).Concat(reads)) await archive.GetJsonAsync(read);

        var kept = archive.Services.GetRequiredService<Database>().Sessions!.Idle.SelectMany(s => s.KeptStatements).ToList();
        Assert.NotEmpty(kept);
        Assert.All(kept, statement => Assert.True(Recompilations(statement) == 0, $"compiled again: {statement.Sql}"));
        Assert.Contains(kept, command => Runs(command) >= 3);
    }

    // sqlite3_stmt_status counters (sqlite3.h), which SQLitePCL.raw does not name.
    private const int StatusReprepare = 5, StatusRun = 6;

    /// <summary>SQLite's own count of the times a kept statement was compiled again after its first time.</summary>
    private static int Recompilations(NativeStatement statement) => SqliteNative.sqlite3_stmt_status(statement.Handle, StatusReprepare, 0);

    private static int Runs(NativeStatement statement) => SqliteNative.sqlite3_stmt_status(statement.Handle, StatusRun, 0);

    private static SqliteSessions.Session Session(DbConnection connection) => ((SqliteSession)connection).Session;

    private static SQLitePCL.sqlite3 Handle(DbConnection connection) => Session(connection).Connection.Handle!;

    /// <summary>A connection of the test's own, closed for real when disposed (not kept by Microsoft.Data.Sqlite's pool).</summary>
    private SqliteConnection Unpooled()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "sessions.db"), Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        database.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
