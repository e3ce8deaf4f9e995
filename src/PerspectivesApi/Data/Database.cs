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
}

/// <summary>Opens connections to the archive. Every connection, pooled or new, gets foreign keys
/// and a busy timeout, so no code path can forget them.</summary>
public sealed class Database
{
    private const int BusyTimeoutMilliseconds = 5000;

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

    public Database(string path)
    {
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
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    public string FilePath { get; }

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
            pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};";
            pragma.ExecuteNonQuery();
            configuredHandles.AddOrUpdate(connection.Handle!, Configured);
        }
        return connection;
    }

    private static readonly object Configured = new();

    /// <summary>Native handles already configured; weak, so a handle the pool closes is forgotten.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> configuredHandles = new();
}
