using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PerspectivesApi.Data;

/// <summary>The database engines the archive runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>One SQLite file next to the service: the embedded default.</summary>
    Sqlite,
    /// <summary>A PostgreSQL server (15 or newer), shared by any number of service replicas.</summary>
    PostgreSQL,
}

/// <summary>Which PostgreSQL server answers the public reads (Npgsql's target session attributes).</summary>
public enum ReadTarget
{
    /// <summary>The primary, like the writes: every read sees every write already answered.</summary>
    Primary,
    /// <summary>A standby while one is up, else the primary: a read may be older than a write already answered, by the standby's lag.</summary>
    PreferStandby,
}

/// <summary>Where the archive lives. By default a SQLite file, set with <c>Database:Path</c> or the
/// <c>PERSPECTIVES_DB</c> environment variable (relative paths are relative to the content root); with
/// <c>Database:Provider</c> = PostgreSQL, the database <c>Database:ConnectionString</c> names.</summary>
public sealed class DatabaseOptions
{
    public const string EnvironmentVariable = "PERSPECTIVES_DB";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For PostgreSQL: an Npgsql connection string (Host=…;Database=…;Username=…). It may name several
    /// hosts (<c>Host=primary:5432,standby:5432</c>): writes always go to the one that is the primary.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>For PostgreSQL: where the public reads go. <see cref="ReadTarget.Primary"/> by default;
    /// <see cref="ReadTarget.PreferStandby"/> sends them to a standby among the connection string's hosts while one is up.</summary>
    public ReadTarget Reads { get; set; } = ReadTarget.Primary;

    public string Path { get; set; } = "data/perspectives.db";

    /// <summary>Load the curated corpus from db/seed when the archive is empty.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>How long a statement waits for a lock another connection holds, and a write for its
    /// turn, before the request is answered 503 with Retry-After. Whole seconds, because that is
    /// the unit of Microsoft.Data.Sqlite's own retry loop, which runs for the same time.</summary>
    public int BusyTimeoutSeconds { get; set; } = Database.DefaultBusyTimeoutSeconds;
}

/// <summary>Opens connections to the archive. Every SQLite connection, pooled or new, gets foreign keys
/// and a busy timeout, so no code path can forget them; a PostgreSQL connection comes from one
/// <see cref="NpgsqlDataSource"/> (its pool) wrapped in a <see cref="PostgresConnection"/>.</summary>
public sealed class Database : IDisposable
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

    /// <param name="pooling">Off for a file opened once (a snapshot's scratch copy), so no pooled connection outlives it.</param>
    /// <param name="keepStatements">For the service's archive: connections stay open between requests with their
    /// statements compiled (<see cref="SqliteSessions"/>) until the Database is disposed. Off for the command line's
    /// and the tools' files, whose connections close (and checkpoint) as soon as they are done.</param>
    public Database(string path, int busyTimeoutSeconds = DefaultBusyTimeoutSeconds, bool pooling = true, bool keepStatements = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(busyTimeoutSeconds, 1); // 0 would make Microsoft.Data.Sqlite wait forever
        BusyTimeout = TimeSpan.FromSeconds(busyTimeoutSeconds);
        FilePath = System.IO.Path.GetFullPath(path);
        // Once, here: opening a connection is on every request's path.
        var directory = System.IO.Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = pooling,
            ForeignKeys = true,
            DefaultTimeout = busyTimeoutSeconds,
        };
        ConnectionString = builder.ToString();
        Dialect = SqlDialect.Sqlite;
        if (!keepStatements) return;
        // The sessions are the pool: a session closed is closed, not handed to Microsoft.Data.Sqlite's pool.
        builder.Pooling = false;
        var sessionConnectionString = builder.ToString();
        sessions = new SqliteSessions(() => OpenConfigured(sessionConnectionString));
    }

    /// <summary>The service's open SQLite connections and their compiled statements, when kept.</summary>
    private readonly SqliteSessions? sessions;

    internal SqliteSessions? Sessions => sessions;

    /// <summary>The archive on a PostgreSQL server, or on a primary and its standbys.</summary>
    public static Database ForPostgres(string connectionString, int busyTimeoutSeconds = DefaultBusyTimeoutSeconds, ReadTarget reads = ReadTarget.Primary) =>
        new(connectionString, busyTimeoutSeconds, reads);

    private Database(string connectionString, int busyTimeoutSeconds, ReadTarget reads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(busyTimeoutSeconds, 1);
        Provider = DatabaseProvider.PostgreSQL;
        BusyTimeout = TimeSpan.FromSeconds(busyTimeoutSeconds);
        FilePath = "";
        ConnectionString = connectionString;
        Dialect = new PostgresDialect(BusyTimeout);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (reads == ReadTarget.Primary && !builder.ConnectionStringBuilder.Host!.Contains(','))
        {
            dataSource = builder.Build();
            readSource = dataSource;
            return;
        }
        // Several hosts: one pool per host, and each connection asks its server whether it is the primary
        // (Npgsql caches the answer). Writes, and everything that must see them at once (keys, idempotency,
        // migrations), go to the primary; public reads where Reads says.
        var hosts = builder.BuildMultiHost();
        ownedSource = hosts;
        dataSource = hosts.WithTargetSession(TargetSessionAttributes.Primary);
        readSource = reads == ReadTarget.PreferStandby ? hosts.WithTargetSession(TargetSessionAttributes.PreferStandby) : dataSource;
    }

    public DatabaseProvider Provider { get; } = DatabaseProvider.Sqlite;

    /// <summary>The SQL fragments that differ between the providers.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>PostgreSQL's connections for writes and for everything that must see them (the primary).</summary>
    private readonly NpgsqlDataSource? dataSource;

    /// <summary>PostgreSQL's connections for public reads: the primary's, or a standby's (<see cref="ReadTarget"/>).</summary>
    private readonly NpgsqlDataSource? readSource;

    /// <summary>The multi-host source <see cref="dataSource"/> and <see cref="readSource"/> are views of, when there is one.</summary>
    private readonly NpgsqlMultiHostDataSource? ownedSource;

    /// <summary>The SQLite file; empty for PostgreSQL.</summary>
    public string FilePath { get; }

    /// <summary>How long a statement waits out another connection's lock before failing with SQLITE_BUSY.</summary>
    public TimeSpan BusyTimeout { get; }

    public string ConnectionString { get; }

    /// <summary>A configured connection. During a read request it is bound to the request's
    /// <see cref="QueryBudget"/>: its statements are stopped when the budget runs out or the client leaves.</summary>
    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => OpenAsync(dataSource, cancellationToken);

    /// <summary>A connection for a public read, which may be answered by a PostgreSQL standby (<see cref="ReadTarget"/>):
    /// never for a read that a write depends on. On SQLite, the same as <see cref="OpenAsync(CancellationToken)"/>.</summary>
    public Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken = default) => OpenAsync(readSource, cancellationToken);

    private async Task<DbConnection> OpenAsync(NpgsqlDataSource? source, CancellationToken cancellationToken)
    {
        if (source is not null)
        {
            var postgres = new PostgresConnection(source.CreateConnection(), Dialect, QueryBudget.Current);
            await postgres.OpenAsync(cancellationToken);
            return postgres;
        }
        if (sessions is not null) return sessions.Rent(QueryBudget.Current);
        return await OpenSqliteAsync(cancellationToken);
    }

    /// <summary>A connection to the SQLite file, for what only SQLite does (the snapshot's copy, the generator).</summary>
    public async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken = default)
    {
        if (Provider != DatabaseProvider.Sqlite) throw new InvalidOperationException("The archive is not a SQLite file.");
        var connection = QueryBudget.Current?.Connect(ConnectionString) ?? new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return Configure(connection);
    }

    /// <summary>For the few callers that cannot await (the response cache's revision check, which keeps its
    /// connection across requests and reads one row by key, so it is bound to no request's budget). A public
    /// read's connection (<see cref="OpenReadAsync"/>): the revision the cache keys by comes from the server the
    /// cached answers are read from.</summary>
    public DbConnection OpenRead()
    {
        if (readSource is not null)
        {
            var postgres = new PostgresConnection(readSource.CreateConnection(), Dialect, budget: null);
            postgres.Open();
            return postgres;
        }
        return OpenConfigured(ConnectionString);
    }

    private SqliteConnection OpenConfigured(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
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

    public void Dispose()
    {
        sessions?.Dispose();
        if (ownedSource is not null) ownedSource.Dispose();
        else dataSource?.Dispose();
    }

    private static readonly object Configured = new();

    /// <summary>Native handles already configured; weak, so a handle the pool closes is forgotten.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> configuredHandles = new();
}
