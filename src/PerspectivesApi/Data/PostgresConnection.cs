using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace PerspectivesApi.Data;

/// <summary>A connection to the PostgreSQL archive, as the rest of the code sees it: an ordinary
/// <see cref="DbConnection"/> over an <see cref="NpgsqlConnection"/>. It exists for three reasons.
/// Dapper recognises an NpgsqlConnection by its type name and then passes a list parameter as one array,
/// which <c>IN @ids</c> cannot take; behind this type Dapper expands lists into <c>IN (@ids1, @ids2)</c>
/// as it does for SQLite, so one SQL text serves both providers. Dapper also takes a statement without
/// a space ("COMMIT") for a stored procedure's name, which SQLite ignores and PostgreSQL would CALL:
/// every command here is text. And during a read request every statement is bound to the request's
/// <see cref="QueryBudget"/>, as SQLite's are by its interrupt: PostgreSQL cancels it when the budget
/// runs out or the client leaves.</summary>
public sealed class PostgresConnection(NpgsqlConnection inner, SqlDialect dialect, QueryBudget? budget) : DbConnection
{
    public NpgsqlConnection Inner => inner;

    public SqlDialect Dialect => dialect;

    internal QueryBudget? Budget => budget;

    [AllowNull]
    public override string ConnectionString
    {
        get => inner.ConnectionString;
        set => inner.ConnectionString = value;
    }

    public override string Database => inner.Database;
    public override string DataSource => inner.DataSource;
    public override string ServerVersion => inner.ServerVersion;
    public override ConnectionState State => inner.State;

    public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);
    public override void Close() => inner.Close();
    public override void Open() => inner.Open();
    public override Task OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

    protected override async ValueTask<DbTransaction> BeginDbTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken) =>
        await inner.BeginTransactionAsync(isolationLevel, cancellationToken);

    protected override DbCommand CreateDbCommand() => new PostgresCommand(this, inner.CreateCommand());

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>A command of a <see cref="PostgresConnection"/>: always text, and cancelled with the request's budget.</summary>
internal sealed class PostgresCommand(PostgresConnection connection, NpgsqlCommand inner) : DbCommand
{
    [AllowNull]
    public override string CommandText
    {
        get => inner.CommandText;
        set => inner.CommandText = value;
    }

    public override int CommandTimeout
    {
        get => inner.CommandTimeout;
        set => inner.CommandTimeout = value;
    }

    /// <summary>Always text: see <see cref="PostgresConnection"/>.</summary>
    public override CommandType CommandType
    {
        get => CommandType.Text;
        set { }
    }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource
    {
        get => inner.UpdatedRowSource;
        set => inner.UpdatedRowSource = value;
    }

    protected override DbConnection? DbConnection
    {
        get => connection;
        set { }
    }

    protected override DbParameterCollection DbParameterCollection => inner.Parameters;

    protected override DbTransaction? DbTransaction
    {
        get => inner.Transaction;
        set => inner.Transaction = (NpgsqlTransaction?)value;
    }

    public override void Cancel() => inner.Cancel();
    public override void Prepare() => inner.Prepare();
    protected override DbParameter CreateDbParameter() => inner.CreateParameter();

    public override int ExecuteNonQuery()
    {
        using var scope = Bound(CancellationToken.None);
        return scope.Token.CanBeCanceled ? inner.ExecuteNonQueryAsync(scope.Token).GetAwaiter().GetResult() : inner.ExecuteNonQuery();
    }

    public override object? ExecuteScalar()
    {
        using var scope = Bound(CancellationToken.None);
        return scope.Token.CanBeCanceled ? inner.ExecuteScalarAsync(scope.Token).GetAwaiter().GetResult() : inner.ExecuteScalar();
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        using var scope = Bound(CancellationToken.None);
        return scope.Token.CanBeCanceled ? inner.ExecuteReaderAsync(behavior, scope.Token).GetAwaiter().GetResult() : inner.ExecuteReader(behavior);
    }

    public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        using var scope = Bound(cancellationToken);
        return await inner.ExecuteNonQueryAsync(scope.Token);
    }

    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        using var scope = Bound(cancellationToken);
        return await inner.ExecuteScalarAsync(scope.Token);
    }

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        // The budget stops the query while it runs; rows already sent are read under the caller's token
        // (an export links its own to the budget).
        using var scope = Bound(cancellationToken);
        return await inner.ExecuteReaderAsync(behavior, scope.Token);
    }

    /// <summary>The caller's token, joined with the request's budget when the connection is bound to one.
    /// Also binds booleans as SQLite does, as the integers 0 and 1: the schema keeps SQLite's integer flags.</summary>
    private BoundToken Bound(CancellationToken cancellationToken)
    {
        foreach (NpgsqlParameter parameter in inner.Parameters)
        {
            if (parameter.Value is not bool flag) continue;
            parameter.DbType = DbType.Int64;
            parameter.Value = flag ? 1L : 0L;
        }
        return connection.Budget is { } budget ? new BoundToken(CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Stopped)) : new BoundToken(cancellationToken);
    }

    private readonly struct BoundToken : IDisposable
    {
        private readonly CancellationTokenSource? linked;

        public BoundToken(CancellationTokenSource linked) { this.linked = linked; Token = linked.Token; }
        public BoundToken(CancellationToken token) { linked = null; Token = token; }

        public CancellationToken Token { get; }
        public void Dispose() => linked?.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
