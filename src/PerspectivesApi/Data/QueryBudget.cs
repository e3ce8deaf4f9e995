using System.Data;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Data;

/// <summary>How long a request's database work may take (<c>QueryBudget</c> section).</summary>
public sealed class QueryBudgetOptions
{
    /// <summary>Everything a read (GET or HEAD) asks of the database together: the page, its count, its
    /// facets, the lookups that fill in its items. An export's first row must also come within it.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The whole of an export (CSV, NDJSON, the SQLite snapshot), however many rows it streams.
    /// The largest measured export, 3 million rows, takes 30 s; the rest is room for slow clients.</summary>
    public TimeSpan ExportTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>What a 503 for an exceeded budget tells the client to wait before trying again.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (ReadTimeout <= TimeSpan.Zero) throw new InvalidOperationException("QueryBudget:ReadTimeout must be positive.");
        if (ExportTimeout < ReadTimeout) throw new InvalidOperationException("QueryBudget:ExportTimeout must be at least QueryBudget:ReadTimeout.");
        if (RetryAfter < TimeSpan.FromSeconds(1)) throw new InvalidOperationException("QueryBudget:RetryAfter must be at least one second.");
    }
}

/// <summary>The time one request's database work may take, and whether its client is still there.
/// It is ambient (set for the request by <see cref="Http.QueryBudgets"/>), so that every connection
/// <see cref="Database.OpenAsync"/> hands out during the request is bound to it, whichever reader asks.
/// Once the budget is spent or the client has gone, every statement running on those connections is
/// stopped inside SQLite and fails with SQLITE_INTERRUPT; a cancellation token alone would only be
/// looked at between rows that never come.</summary>
public sealed class QueryBudget : IDisposable
{
    /// <summary>SQLite's result code for a statement stopped by an interrupt or a progress handler.</summary>
    public const int Interrupted = SQLitePCL.raw.SQLITE_INTERRUPT;

    private static readonly AsyncLocal<QueryBudget?> current = new();

    private const int Running = 0, OutOfTime = 1, ClientLeft = 2;

    private readonly CancellationTokenSource stop = new();
    private readonly Timer deadline;
    private readonly CancellationTokenRegistration whenClientLeaves;
    private readonly TimeSpan exportTimeout;
    private readonly long started = Stopwatch.GetTimestamp();

    /// <summary>What stopped the work first. Once the budget has run out, the client's connection may be
    /// aborted as a consequence (Kestrel ends a connection whose write was cancelled): that must not turn
    /// an exceeded budget into a departed client.</summary>
    private int cause = Running;

    private QueryBudget(QueryBudgetOptions options, CancellationToken aborted)
    {
        exportTimeout = options.ExportTimeout;
        Allowed = options.ReadTimeout;
        deadline = new Timer(static state => ((QueryBudget)state!).StopBecause(OutOfTime), this, Allowed, Timeout.InfiniteTimeSpan);
        whenClientLeaves = aborted.UnsafeRegister(static state => ((QueryBudget)state!).StopBecause(ClientLeft), this);
    }

    /// <summary>Records the cause before cancelling, so that whoever sees the cancellation can tell why.</summary>
    private void StopBecause(int reason)
    {
        Interlocked.CompareExchange(ref cause, reason, Running);
        try { stop.Cancel(); }
        catch (ObjectDisposedException) { } // the timer fired as the request ended
    }

    /// <summary>The budget of the request being served on this flow, or null outside requests (start-up,
    /// the command line) and for writes, which are never interrupted halfway.</summary>
    public static QueryBudget? Current => current.Value;

    /// <summary>Starts a read's budget and makes it <see cref="Current"/> for the caller's flow.</summary>
    public static QueryBudget Begin(QueryBudgetOptions options, CancellationToken aborted)
    {
        var budget = new QueryBudget(options, aborted);
        current.Value = budget;
        return budget;
    }

    /// <summary>The time allowed, counted from the start of the request.</summary>
    public TimeSpan Allowed { get; private set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(started);

    /// <summary>Cancelled when the budget is spent or the client has gone.</summary>
    public CancellationToken Stopped => stop.Token;

    /// <summary>Whether the work was stopped because its time ran out, before its client left.</summary>
    public bool Exceeded => Volatile.Read(ref cause) == OutOfTime;

    /// <summary>Whether the work was stopped because its client left, before its time ran out.</summary>
    public bool ClientGone => Volatile.Read(ref cause) == ClientLeft;

    /// <summary>Allows the request the export budget, counted from its start (an export, once its first
    /// rows have come within the read budget; the snapshot from the outset). A spent budget stays spent.</summary>
    public void AllowExport()
    {
        if (stop.IsCancellationRequested) return;
        Allowed = exportTimeout;
        var remaining = exportTimeout - Elapsed;
        if (remaining <= TimeSpan.Zero) StopBecause(OutOfTime);
        else deadline.Change(remaining, Timeout.InfiniteTimeSpan);
    }

    /// <summary>For work SQLite cannot interrupt by itself (a backup copies pages, it runs no statement):
    /// call between its steps.</summary>
    public void ThrowIfStopped()
    {
        if (stop.IsCancellationRequested) throw new SqliteException("interrupted", Interrupted);
    }

    /// <summary>A connection bound to this budget: its statements stop once <see cref="Stopped"/> fires.</summary>
    internal SqliteConnection Connect(string connectionString) => new BudgetedConnection(connectionString, this);

    /// <summary>The budget <paramref name="connection"/> is bound to, if any.</summary>
    internal static QueryBudget? Of(SqliteConnection connection) => (connection as BudgetedConnection)?.Budget;

    public void Dispose()
    {
        deadline.Dispose();
        whenClientLeaves.Dispose();
        stop.Dispose();
    }

    /// <summary>Binds a SQLite connection's statements to this budget until the returned binding is disposed:
    /// what <see cref="Connect"/> does for a connection it opens, and the statement sessions of
    /// <see cref="SqliteSessions"/> for each request that borrows one.
    /// Two ways stop the statements. When the budget fires, <c>sqlite3_interrupt</c> stops the statement
    /// running at that moment at its next step. A statement started after that would not see the interrupt
    /// (SQLite forgets one that arrives between statements), so a progress handler, which SQLite calls every
    /// <see cref="Instructions"/> virtual-machine instructions, stops those. SQLite rolls back what a stopped
    /// statement did. Disposing the binding removes both (disposing the registration waits for a running
    /// callback), so neither can ever stop the next request's statements.</summary>
    internal Binding Bind(SQLitePCL.sqlite3 handle)
    {
        SQLitePCL.raw.sqlite3_progress_handler(handle, Instructions, Check, this);
        var interrupt = stop.Token.UnsafeRegister(static state => SQLitePCL.raw.sqlite3_interrupt((SQLitePCL.sqlite3)state!), handle);
        return new Binding(handle, interrupt);
    }

    // Tens of microseconds of work between checks: too rare to cost anything measurable.
    private const int Instructions = 1000;

    private static readonly SQLitePCL.delegate_progress Check =
        static state => ((QueryBudget)state).stop.IsCancellationRequested ? 1 : 0;

    internal sealed class Binding(SQLitePCL.sqlite3 handle, CancellationTokenRegistration interrupt) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            interrupt.Dispose();
            SQLitePCL.raw.sqlite3_progress_handler(handle, 0, null, null);
        }
    }

    /// <summary>A connection bound to its budget for as long as it is open (<see cref="Bind"/>).</summary>
    private sealed class BudgetedConnection(string connectionString, QueryBudget budget) : SqliteConnection(connectionString)
    {
        private Binding? binding;

        public QueryBudget Budget => budget;

        public override void Open()
        {
            base.Open();
            binding = budget.Bind(Handle!);
        }

        public override void Close()
        {
            if (State == ConnectionState.Open) binding?.Dispose();
            base.Close();
        }
    }
}
