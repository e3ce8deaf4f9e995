using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Data;

/// <summary>The service's SQLite connections, kept open between requests, each with the statements it has
/// run already compiled. Microsoft.Data.Sqlite compiles a command's SQL again for every new command, and
/// Dapper makes a new command for every query: on an article read by id, compiling (parsing, name
/// resolution, planning) was 15% of the service's CPU (bench/PERF.md). Here a request borrows a session, and
/// a statement it runs reuses the session's compiled one for the same SQL text, bound to the new parameters.
/// The rest of the code sees an ordinary <see cref="DbConnection"/>.</summary>
internal sealed class SqliteSessions(Func<SqliteConnection> open) : IDisposable
{
    /// <summary>Sessions kept for the next requests; more are opened under a burst and closed after it.</summary>
    private const int MaxIdle = 16;

    private readonly ConcurrentStack<Session> idle = new();
    private volatile bool disposed;

    /// <summary>The sessions waiting for a request (for the tests).</summary>
    internal IEnumerable<Session> Idle => idle;

    /// <summary>A session for one request, bound to its budget if it has one. Dispose it to give it back.</summary>
    public DbConnection Rent(QueryBudget? budget)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        // Last in, first out: the session used most recently has the warmest page cache.
        if (!idle.TryPop(out var session)) session = new Session(open());
        return new SqliteSession(this, session, budget?.Bind(session.Connection.Handle!));
    }

    /// <summary>Keeps a session for the next request, unless the borrower left it mid-statement or mid-transaction
    /// (an exception between BEGIN and COMMIT): closing it is what rolls that back.</summary>
    internal void Return(Session session)
    {
        if (disposed || !session.IsAtRest || idle.Count >= MaxIdle)
        {
            session.Close();
            return;
        }
        idle.Push(session);
        if (disposed) Dispose(); // disposed meanwhile: close what it may have missed

    }

    /// <summary>Closes the idle sessions (SQLite checkpoints the write-ahead log when the last connection to
    /// a file closes); a session still borrowed is closed when it comes back.</summary>
    public void Dispose()
    {
        disposed = true;
        while (idle.TryPop(out var session)) session.Close();
    }

    /// <summary>One open connection and its compiled statements, by SQL text: the reads' own
    /// (<see cref="NativeStatement"/>), and Microsoft.Data.Sqlite's commands for the rest (writes, scripts).</summary>
    internal sealed class Session(SqliteConnection connection)
    {
        /// <summary>Statements kept per session. A list filter repeated n times is its own SQL text (Dapper
        /// writes <c>IN (@p1, …, @pn)</c>), so the texts are many but the usual ones few: past this
        /// number the idle ones are dropped and compiled again as they are asked for.</summary>
        private const int MaxStatements = 96;

        private readonly Dictionary<string, ReusableCommand> statements = new(StringComparer.Ordinal);

        /// <summary>Null for a text that is not one statement with named parameters (Microsoft.Data.Sqlite runs it).</summary>
        private readonly Dictionary<string, NativeStatement?> natives = new(StringComparer.Ordinal);

        public SqliteConnection Connection => connection;

        /// <summary>The statement kept for a text, if any.</summary>
        internal NativeStatement? Kept(string sql) => natives.GetValueOrDefault(sql);

        /// <summary>Every statement kept (for the tests).</summary>
        internal IEnumerable<NativeStatement> KeptStatements => natives.Values.OfType<NativeStatement>();

        /// <summary>Whether no statement is running and no transaction is open.</summary>
        public bool IsAtRest =>
            SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0
            && statements.Values.All(s => !s.IsBusy) && natives.Values.All(s => s is not { Busy: true });

        /// <summary>The session's compiled statement for <paramref name="sql"/>, or, while that one is still being
        /// read (the same query nested in itself), a new one for this run alone (<paramref name="owned"/>); null when
        /// the text is not one statement with named parameters.</summary>
        public NativeStatement? Native(string sql, out bool owned) =>
            Keep(natives, sql, s => s is { Busy: true }, () => NativeStatement.Prepare(connection, sql), s => s?.Dispose(), out owned);

        /// <summary>A run of a statement is over: its read transaction ends (reset), and a statement of its own is finalized.</summary>
        public void Release(NativeStatement statement, bool owned)
        {
            statement.Busy = false;
            if (owned || statement.Handle == IntPtr.Zero) statement.Dispose();
            else SqliteNative.sqlite3_reset(statement.Handle);
        }

        /// <summary>Microsoft.Data.Sqlite's command for <paramref name="sql"/>, or, while that one is still
        /// being read, a new command the caller disposes (<paramref name="owned"/>).</summary>
        public SqliteCommand Statement(string sql, out bool owned)
        {
            var statement = Keep(statements, sql, s => s.IsBusy, () => new ReusableCommand { Connection = connection, CommandText = sql }, s => s.Dispose(), out owned);
            if (!owned) statement.Parameters.Clear();
            return statement;
        }

        /// <summary>The statement kept for <paramref name="sql"/> in <paramref name="kept"/>, compiled and kept on first use;
        /// while that one is still being read (the same query nested in itself), a new one for this run alone
        /// (<paramref name="owned"/>). Past <see cref="MaxStatements"/> texts, the idle ones are dropped first.</summary>
        private static T Keep<T>(Dictionary<string, T> kept, string sql, Func<T, bool> busy, Func<T> compile, Action<T> dispose, out bool owned)
        {
            owned = false;
            if (kept.TryGetValue(sql, out var statement))
            {
                if (!busy(statement)) return statement;
                owned = true;
                return compile();
            }
            if (kept.Count >= MaxStatements)
            {
                foreach (var (text, old) in kept.Where(s => !busy(s.Value)).ToList())
                {
                    kept.Remove(text);
                    dispose(old);
                }
            }
            statement = compile();
            kept[sql] = statement;
            return statement;
        }

        public void Close()
        {
            // Before the connection: SQLite closes a connection for good only once its statements are finalized.
            foreach (var statement in natives.Values) statement?.Dispose();
            natives.Clear();
            foreach (var statement in statements.Values) statement.Dispose();
            statements.Clear();
            connection.Dispose();
        }
    }

    /// <summary>A command whose compiled statements Microsoft.Data.Sqlite keeps as long as its text and
    /// connection stay the same, which here they do.</summary>
    private sealed class ReusableCommand : SqliteCommand
    {
        /// <summary>Whether a reader of this command is still open.</summary>
        public bool IsBusy => DataReader is not null;
    }
}

/// <summary>A request's borrowed <see cref="SqliteSessions.Session"/>: open from the start, given back on dispose.</summary>
internal sealed class SqliteSession(SqliteSessions owner, SqliteSessions.Session session, QueryBudget.Binding? budget) : DbConnection
{
    private bool returned;

    internal SqliteSessions.Session Session
    {
        get
        {
            ObjectDisposedException.ThrowIf(returned, this);
            return session;
        }
    }

    [AllowNull]
    public override string ConnectionString
    {
        get => session.Connection.ConnectionString;
        set => throw new NotSupportedException("A session's connection string is the archive's.");
    }

    public override string Database => session.Connection.Database;
    public override string DataSource => session.Connection.DataSource;
    public override string ServerVersion => session.Connection.ServerVersion;
    public override ConnectionState State => returned ? ConnectionState.Closed : ConnectionState.Open;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    /// <summary>Already open; a session given back is not opened again.</summary>
    public override void Open() => ObjectDisposedException.ThrowIf(returned, this);

    public override void Close()
    {
        if (returned) return;
        returned = true;
        budget?.Dispose();
        owner.Return(session);
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => Session.Connection.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => new SqliteSessionCommand(this);

    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }
}

/// <summary>What Dapper fills in (text, parameters) and runs: on execution, the session's compiled statement for
/// the text, given this command's parameters. Always text, as every command of the archive is.</summary>
internal sealed class SqliteSessionCommand(SqliteSession connection) : DbCommand
{
    private readonly ParameterList parameters = new();
    private SqliteCommand? owned;
    private int? timeout;

    [AllowNull]
    public override string CommandText { get; set; } = "";

    public override int CommandTimeout
    {
        get => timeout ?? connection.Session.Connection.DefaultTimeout;
        set => timeout = value;
    }

    public override CommandType CommandType
    {
        get => CommandType.Text;
        set { }
    }

    public override bool DesignTimeVisible { get; set; }
    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => connection;
        set => throw new NotSupportedException("A session's command stays with its session.");
    }

    protected override DbParameterCollection DbParameterCollection => parameters;
    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel() { }
    public override void Prepare() { }
    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    public override int ExecuteNonQuery() => Statement().ExecuteNonQuery();

    public override object? ExecuteScalar()
    {
        if (Native() is not { } reader) return Statement().ExecuteScalar();
        using (reader) return reader.Read() ? reader.GetValue(0) : null;
    }

    // The session stays open however the reader ends: it is the request's, not the reader's, to give back.
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) =>
        (DbDataReader?)Native() ?? Statement().ExecuteReader(behavior & ~CommandBehavior.CloseConnection);

    /// <summary>A run of the session's own compiled statement for the text, positioned before its first row; null when
    /// the text or a parameter's type is one only Microsoft.Data.Sqlite's command takes.</summary>
    private NativeReader? Native()
    {
        if (!NativeStatement.CanBind(parameters)) return null;
        var session = connection.Session;
        if (session.Native(CommandText, out var isOwned) is not { } statement) return null;
        try
        {
            statement.Bind(parameters);
        }
        catch
        {
            session.Release(statement, isOwned);
            throw;
        }
        return new NativeReader(statement, session, CommandTimeout, isOwned);
    }

    private SqliteCommand Statement()
    {
        var statement = connection.Session.Statement(CommandText, out var isOwned);
        if (isOwned) owned = statement;
        foreach (SqliteParameter parameter in parameters) statement.Parameters.Add(parameter);
        statement.Transaction = (SqliteTransaction?)DbTransaction;
        statement.CommandTimeout = CommandTimeout;
        return statement;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) owned?.Dispose();
        base.Dispose(disposing);
    }

    private sealed class ParameterList : SqliteParameterCollection;
}
