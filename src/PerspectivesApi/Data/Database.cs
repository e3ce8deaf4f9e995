using System.Data;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Data;

/// <summary>Where the archive's SQLite file lives. Set with <c>Database:Path</c> or the
/// <c>PERSPECTIVES_DB</c> environment variable; relative paths are relative to the content root.</summary>
public sealed class DatabaseOptions
{
    public const string EnvironmentVariable = "PERSPECTIVES_DB";

    public string Path { get; set; } = "data/perspectives.db";

    /// <summary>Load the curated corpus from db/seed when the archive is empty.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>How long a statement waits for a lock another connection holds, and a write for its
    /// turn, before the request is answered 503 with Retry-After. Whole seconds, because that is
    /// the unit of Microsoft.Data.Sqlite's own retry loop, which runs for the same time.</summary>
    public int BusyTimeoutSeconds { get; set; } = Database.DefaultBusyTimeoutSeconds;
}

/// <summary>Opens connections to the archive. Every connection, pooled or new, gets foreign keys
/// and a busy timeout, so no code path can forget them.</summary>
public sealed class Database
{
    public const int DefaultBusyTimeoutSeconds = 5;

    static Database()
    {
        // The pool lends a connection to one request at a time, so SQLite's "serialized" mode, which
        // locks a mutex on every call (each column of each row read), only costs: 10% of an export's
        // CPU (bench/RESULTS.md). Multi-thread mode drops it, and memory statistics off drop the global
        // allocator mutex. Both must be set before SQLite first initializes; if something opened a
        // connection earlier they are refused (SQLITE_MISUSE) and SQLite simply stays serialized.
        SQLitePCL.Batteries_V2.Init();
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD);
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }

    public Database(string path, int busyTimeoutSeconds = DefaultBusyTimeoutSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(busyTimeoutSeconds, 1); // 0 would make Microsoft.Data.Sqlite wait forever
        BusyTimeout = TimeSpan.FromSeconds(busyTimeoutSeconds);
        FilePath = System.IO.Path.GetFullPath(path);
        // Once, here: opening a connection is on every request's path.
        var directory = System.IO.Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>How long a statement waits out another connection's lock before failing with SQLITE_BUSY.</summary>
    public TimeSpan BusyTimeout { get; }

    public string ConnectionString { get; }

    /// <summary>A configured connection. During a read request it is bound to the request's
    /// <see cref="QueryBudget"/>: its statements are stopped when the budget runs out or the client leaves.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = QueryBudget.Current?.Connect(ConnectionString) ?? new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return Configure(connection);
    }

    /// <summary>For the few callers that cannot await (the response cache's revision check, which keeps its
    /// connection across requests and reads one row by key, so it is bound to no request's budget).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return Configure(connection);
    }

    private SqliteConnection Configure(SqliteConnection connection)
    {
        // busy_timeout is per connection and not a connection-string keyword. The pool hands back the
        // same native handle many times, so set it once per handle rather than on every request.
        if (!configuredHandles.TryGetValue(connection.Handle!, out _))
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};";
            pragma.ExecuteNonQuery();
            configuredHandles.AddOrUpdate(connection.Handle!, Configured);
        }
        return connection;
    }

    /// <summary>Waits for this process's turn to write, in arrival order, for at most the busy timeout;
    /// null when the turn did not come in time. Dispose the turn after COMMIT or ROLLBACK.
    /// Writers that all waited in SQLite's busy handler instead would each sleep and poll for the lock
    /// on a blocked thread, and whoever polls at the right moment wins: under steady contention a writer
    /// can lose every time until its timeout. Queued here, they wait without a thread, in order, and
    /// BEGIN IMMEDIATE only ever waits for another process (the keys command, a backup).</summary>
    public async Task<IDisposable?> WaitForWriteTurnAsync(CancellationToken cancellationToken)
    {
        if (!await writers.WaitAsync(BusyTimeout, cancellationToken)) return null;
        return new WriteTurn(writers);
    }

    private readonly SemaphoreSlim writers = new(1, 1);

    private sealed class WriteTurn(SemaphoreSlim writers) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) writers.Release();
        }
    }

    private static readonly object Configured = new();

    /// <summary>Native handles already configured; weak, so a handle the pool closes is forgotten.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> configuredHandles = new();
}
