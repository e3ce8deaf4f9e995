using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PerspectivesApi.Data;

/// <summary>The few things the two providers say differently. Everything else is one SQL text for both:
/// the queries are written in the SQL SQLite and PostgreSQL share (row values, window functions,
/// <c>ON CONFLICT</c>, <c>RETURNING</c>, <c>IN @list</c> expanded by Dapper), and PostgreSQL's schema
/// (db/migrations/postgresql) gives tables, columns and collations the names and order SQLite's has.</summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();

    /// <summary>The dialect of the archive <paramref name="connection"/> leads to.</summary>
    public static SqlDialect Of(DbConnection connection) => connection is PostgresConnection postgres ? postgres.Dialect : Sqlite;

    public abstract DatabaseProvider Provider { get; }

    /// <summary><c>LIMIT n</c> (and <c>OFFSET m</c>), written into the SQL rather than bound. SQLite's planner reads a
    /// bound LIMIT's value, and a statement whose plan read a bound value is compiled again whenever that parameter is
    /// bound anew (sqlite3_step re-prepares it): on a kept statement (<see cref="SqliteSessions"/>), every request.
    /// Only ever a C# integer, so the text can carry nothing from a request but digits.</summary>
    public static string Limit(int rows, int? offset = null) =>
        offset is { } skip
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"LIMIT {rows} OFFSET {skip}")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"LIMIT {rows}");

    /// <summary>Begins a write transaction that holds the archive's one write lock: writers, in every process,
    /// take turns, so a check (If-Match, an idempotency key, a unique id) and the write it allows cannot interleave
    /// with another writer's.</summary>
    public abstract string BeginWrite { get; }

    /// <summary>Begins a read transaction in which every statement sees the same state of the archive.</summary>
    public abstract string BeginRead { get; }

    /// <summary>SQLite's index hint, where a plan depends on it; nothing for PostgreSQL, whose planner takes no hints.</summary>
    public abstract string IndexedBy(string index);

    /// <summary>Whether <paramref name="exception"/> says the archive was locked by other writers past the busy timeout
    /// (a 503 with Retry-After, never a 500).</summary>
    public abstract bool IsBusy(Exception exception);

    /// <summary>Whether <paramref name="exception"/> is a UNIQUE (or primary key) constraint failing.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>A statement's full-text search in this provider's terms. The queries are written with FTS5's
    /// (<c>articles_fts MATCH @q</c>, <c>articles_fts.rank</c>, <c>snippet(articles_fts, …)</c>); PostgreSQL
    /// rewrites those three forms, and nothing else, into its own.</summary>
    public virtual string FullText(string sql) => sql;

    /// <summary>A search parameter's value as the provider's engine reads it (FTS5's syntax, or tsquery's).</summary>
    public virtual string SearchValue(string query) => query;

    /// <summary>Why FTS5 cannot parse <paramref name="query"/> for <paramref name="index"/>, or null when it can:
    /// the one judge of a valid search on both providers, so that both refuse the same queries with the same 400.</summary>
    public virtual async Task<string?> SearchSyntaxErrorAsync(DbConnection connection, string index, string query, CancellationToken cancellationToken)
    {
        try
        {
            // The index name comes from the collection's fixed definition, never from the request.
            await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                $"SELECT 1 FROM {index} WHERE {index} MATCH @q LIMIT 1", new { q = query }, cancellationToken: cancellationToken));
            return null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            return e.Message.Replace("SQLite Error 1: ", "").Trim('\'', '.');
        }
    }

    private sealed class SqliteDialect : SqlDialect
    {
        public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
        public override string BeginWrite => "BEGIN IMMEDIATE";
        public override string BeginRead => "BEGIN";
        public override string IndexedBy(string index) => $" INDEXED BY {index}";

        public override bool IsBusy(Exception exception) =>
            exception is SqliteException { SqliteErrorCode: var code } && (code & 0xFF) is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED;

        public override bool IsUniqueViolation(Exception exception) => exception is SqliteException { SqliteErrorCode: 19 };
    }
}

/// <summary>PostgreSQL's side of <see cref="SqlDialect"/>.</summary>
public sealed partial class PostgresDialect(TimeSpan busyTimeout) : SqlDialect
{
    /// <summary>The advisory lock every write transaction holds (any number identifies it; this one spells "archive").</summary>
    public const long WriteLock = 0x61726368697665;

    /// <summary>The advisory lock migrations hold, so that replicas starting at once migrate one after the other.</summary>
    public const long MigrationLock = 0x6D696772617465;

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSQL;

    // READ COMMITTED after the lock: every statement sees what the writers before this one committed. The lock
    // waits at most the busy timeout (55P03 lock_not_available, answered 503 like SQLite's SQLITE_BUSY).
    public override string BeginWrite =>
        $"BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = {(long)busyTimeout.TotalMilliseconds}; SELECT pg_advisory_xact_lock({WriteLock})";

    public override string BeginRead => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

    public override string IndexedBy(string index) => "";

    public override bool IsBusy(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public override bool IsUniqueViolation(Exception exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>The text columns each full-text index covers, by the alias the queries give their table.</summary>
    private static readonly Dictionary<string, string[]> IndexedColumns = new(StringComparer.Ordinal)
    {
        ["articles_fts"] = ["a.title", "a.body"],
        ["stances_fts"] = ["s.quote"],
    };

    public override string FullText(string sql)
    {
        var match = MatchPattern().Match(sql);
        if (!match.Success) return sql;
        var query = $"to_tsquery('archive', @{match.Groups["parameter"].Value})";
        // Each index read as a table that also has SQLite's rank column (lower is better, as bm25's): ts_rank,
        // computed only for the rows the statement keeps.
        sql = TablePattern().Replace(sql, m =>
            $"{m.Groups["keyword"].Value} (SELECT i.rowid, i.search, (-ts_rank(i.search, {query}))::float8 AS rank FROM {m.Groups["index"].Value} i) {m.Groups["index"].Value}");
        sql = MatchPattern().Replace(sql, m => $"{m.Groups["index"].Value}.search @@ to_tsquery('archive', @{m.Groups["parameter"].Value})");
        return SnippetPattern().Replace(sql, m => Headline(m.Groups["index"].Value, int.Parse(m.Groups["column"].Value), query));
    }

    /// <summary>ts_headline in place of snippet(): the matched words between the same markers, in one passage of
    /// about the same length. ts_headline marks each word of a phrase on its own, where FTS5 marks the phrase:
    /// marks that only whitespace separates are joined. For "the best column" (-1) of an article, the body when
    /// it matches, else the title. ts_headline leaves out what its parser takes for HTML tags and entities, and an
    /// archived text that says "&lt;b&gt;" must be shown as it is: &lt; and &amp; pass through it as control characters,
    /// which no archived text holds, and are put back after.</summary>
    public static string Headline(string index, int column, string query)
    {
        const string Options = "'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=15, ShortWord=0, MaxFragments=1'";
        static string Of(string text, string query) =>
            $"replace(replace(regexp_replace(ts_headline('archive', replace(replace({text}, '<', chr(1)), '&', chr(4)), {query}, {Options}), " +
            $"chr(3) || '(\\s+)' || chr(2), '\\1', 'g'), chr(1), '<'), chr(4), '&')";
        var columns = IndexedColumns[index];
        if (column >= 0 || columns.Length == 1) return Of(columns[Math.Max(column, 0)], query);
        return $"CASE WHEN to_tsvector('archive', archive_search_text({columns[1]})) @@ {query} THEN {Of(columns[1], query)} ELSE {Of(columns[0], query)} END";
    }

    public override string SearchValue(string query) => TsQuery.Translate(query);

    /// <summary>FTS5's parser, on empty in-memory indexes with the same columns: PostgreSQL refuses what SQLite refuses, with its words.</summary>
    public override async Task<string?> SearchSyntaxErrorAsync(DbConnection connection, string index, string query, CancellationToken cancellationToken)
    {
        await syntaxCheck.WaitAsync(cancellationToken);
        try
        {
            if (syntaxIndexes is null)
            {
                var memory = new SqliteConnection("Data Source=:memory:");
                await memory.OpenAsync(cancellationToken);
                await memory.ExecuteAsync("CREATE VIRTUAL TABLE articles_fts USING fts5(title, body); CREATE VIRTUAL TABLE stances_fts USING fts5(quote);");
                syntaxIndexes = memory;
            }
            return await Sqlite.SearchSyntaxErrorAsync(syntaxIndexes, index, query, cancellationToken);
        }
        finally
        {
            syntaxCheck.Release();
        }
    }

    private readonly SemaphoreSlim syntaxCheck = new(1, 1);
    private SqliteConnection? syntaxIndexes;

    [GeneratedRegex(@"\b(?<index>[a-z]+_fts) MATCH @(?<parameter>\w+)")]
    private static partial Regex MatchPattern();

    [GeneratedRegex(@"\b(?<keyword>FROM|JOIN) (?<index>[a-z]+_fts)\b(?![.(])")]
    private static partial Regex TablePattern();

    [GeneratedRegex(@"snippet\((?<index>[a-z]+_fts), (?<column>-?\d+), [^,]+, [^,]+, '…', \d+\)")]
    private static partial Regex SnippetPattern();
}
