using System.Data.Common;
using System.Text;
using Dapper;

namespace PerspectivesApi.Data;

/// <summary>What a copy moved: rows per table.</summary>
public sealed record ArchiveCopyReport(IReadOnlyDictionary<string, long> Rows, long Revision);

/// <summary>Copies a whole archive from one database into a new, empty one, on either provider: SQLite into
/// PostgreSQL, PostgreSQL into SQLite (or one file into another). Everything is kept: ids, the rowids the
/// full-text indexes and relevance cursors name, every revision with its seq (so the changes feed and its
/// cursors go on where they were), curators' keys, remembered idempotent answers, the cursor secret and the
/// archive's revision and its time. The source is read in one read transaction, so the copy is consistent
/// while the archive keeps serving; the target is written in one transaction, so a copy that fails leaves
/// nothing. The target's own triggers index the text and count the tallies as the rows arrive.</summary>
public static class ArchiveCopy
{
    /// <summary>The tables, parents before children. Topic tallies are not copied: the target's triggers count them.</summary>
    public static readonly string[] Tables = ["outlets", "authors", "topics", "articles", "credits", "stances", "api_keys", "revisions", "idempotency"];

    /// <summary>Tables whose rowid is kept (the full-text indexes name their rows by it).</summary>
    private static readonly HashSet<string> WithRowids = ["articles", "stances"];

    /// <summary>Each table's key, for reading the rows in a stable order (and the identity it carries, for PostgreSQL).</summary>
    private static readonly Dictionary<string, string> OrderBy = new()
    {
        ["outlets"] = "id", ["authors"] = "id", ["topics"] = "id", ["articles"] = "rowid", ["credits"] = "article_id, author_id, role",
        ["stances"] = "rowid", ["api_keys"] = "id", ["revisions"] = "seq", ["idempotency"] = "key_id, idempotency_key",
    };

    /// <summary>PostgreSQL's identity columns, set past the copied values so that new rows continue after them.</summary>
    private static readonly (string Table, string Column)[] Identities = [("articles", "rowid"), ("stances", "rowid"), ("api_keys", "id"), ("revisions", "seq")];

    private const int RowsPerInsert = 100;

    public static async Task<ArchiveCopyReport> CopyAsync(Database source, Database target, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        await new Migrator(target).MigrateAsync(cancellationToken);
        await using var from = await source.OpenAsync(cancellationToken);
        await using var to = await target.OpenAsync(cancellationToken);
        if (await to.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT (SELECT count(*) FROM outlets) + (SELECT count(*) FROM articles) + (SELECT count(*) FROM revisions) + (SELECT count(*) FROM api_keys)",
                cancellationToken: cancellationToken)) > 0)
            throw new InvalidOperationException("The target already holds an archive: copy into a new, empty database.");

        var rows = new Dictionary<string, long>();
        await Text(from, source.Dialect.BeginRead);
        await Text(to, target.Dialect.BeginWrite);
        var postgres = target.Provider == DatabaseProvider.PostgreSQL;
        // SQLite's triggers, read back so that they return unchanged (as the generator does).
        var sqliteTriggers = postgres ? [] : (await to.QueryAsync<(string Name, string Sql)>(new CommandDefinition(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'", cancellationToken: cancellationToken))).ToList();
        try
        {
            // The triggers are set aside while the rows arrive (a trigger per row made a copy of 15,000 stances take a
            // minute on PostgreSQL, and 5,000 articles' snapshot 20 s on SQLite) and their work is done once at the end,
            // in the same transaction: the full-text indexes and the tallies from the rows, the revision from the
            // source. Foreign keys stay checked (they are no user triggers).
            if (postgres) foreach (var table in Tables) await Text(to, $"ALTER TABLE {table} DISABLE TRIGGER USER");
            foreach (var (name, _) in sqliteTriggers) await Text(to, $"DROP TRIGGER \"{name}\"");
            foreach (var table in Tables)
            {
                var columns = await WritableColumnsAsync(to, table, cancellationToken);
                if (WithRowids.Contains(table) && !columns.Contains("rowid")) columns.Add("rowid"); // SQLite's rowid is implicit
                // The names come from the target's own schema and the fixed list above, never from input.
                var select = $"SELECT {string.Join(", ", columns)} FROM {table} ORDER BY {OrderBy[table]}";
                var count = 0L;
                var batch = new List<object?[]>(RowsPerInsert);
                // PostgreSQL runs one command at a time on a connection: the source rows are read whole per table
                // from a cursor, a batch at a time, while the target (another connection) is written.
                await foreach (var row in ReadAsync(from, source.Dialect, select, columns.Count, cancellationToken))
                {
                    batch.Add(row);
                    if (batch.Count == RowsPerInsert) { await InsertAsync(to, table, columns, batch, cancellationToken); count += batch.Count; batch.Clear(); }
                }
                if (batch.Count > 0) { await InsertAsync(to, table, columns, batch, cancellationToken); count += batch.Count; }
                rows[table] = count;
                if (log is not null) await log.WriteLineAsync($"{table}: {count} rows");
            }

            if (postgres)
            {
                await Text(to, "INSERT INTO articles_fts (rowid, search) SELECT rowid, archive_article_search(title, body) FROM articles");
                await Text(to, "INSERT INTO stances_fts (rowid, search) SELECT rowid, archive_stance_search(quote) FROM stances");
                foreach (var table in Tables) await Text(to, $"ALTER TABLE {table} ENABLE TRIGGER USER");
            }
            else await Text(to, FullTextIndexes.Rebuild);
            await Text(to, Topics.TopicTallies.Rebuild);
            foreach (var (_, sql) in sqliteTriggers) await Text(to, sql);

            // Last, over what the target's triggers counted while the rows arrived: the source's revision, its time,
            // the cursor secret (so that cursors keep working) and when the corpus was loaded. The revision first:
            // SQLite's trigger sets revised_at when it changes, and the source's time must be the one kept.
            var meta = (await from.QueryAsync<(string Key, string Value)>(new CommandDefinition("SELECT key, value FROM meta ORDER BY key = 'revision' DESC, key", cancellationToken: cancellationToken))).ToList();
            foreach (var (key, value) in meta)
                await to.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", new { key, value }, cancellationToken: cancellationToken));
            rows["meta"] = meta.Count;

            if (target.Provider == DatabaseProvider.PostgreSQL)
            {
                foreach (var (table, column) in Identities)
                    await to.ExecuteAsync(new CommandDefinition(
                        $"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)",
                        cancellationToken: cancellationToken));
            }
            await Text(to, "COMMIT");
        }
        catch
        {
            try { await Text(to, "ROLLBACK"); } catch (DbException) { }
            throw;
        }
        finally
        {
            try { await Text(from, "ROLLBACK"); } catch (DbException) { }
        }
        var revision = await to.ExecuteScalarAsync<long>(new CommandDefinition("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'revision'", cancellationToken: cancellationToken));
        return new ArchiveCopyReport(rows, revision);

        // Text always: Dapper takes a statement without a space ("COMMIT") for a stored procedure's name.
        Task Text(DbConnection connection, string sql) =>
            connection.ExecuteAsync(new CommandDefinition(sql, commandType: System.Data.CommandType.Text, cancellationToken: cancellationToken));
    }

    /// <summary>The columns a row is written with: every column but the generated ones (the target computes them).</summary>
    private static async Task<List<string>> WritableColumnsAsync(DbConnection connection, string table, CancellationToken cancellationToken)
    {
        var sql = SqlDialect.Of(connection).Provider == DatabaseProvider.PostgreSQL
            ? "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table AND is_generated = 'NEVER' ORDER BY ordinal_position"
            : "SELECT name FROM pragma_table_xinfo(@table) WHERE hidden = 0 ORDER BY cid";
        return (await connection.QueryAsync<string>(new CommandDefinition(sql, new { table }, cancellationToken: cancellationToken))).ToList();
    }

    private static async IAsyncEnumerable<object?[]> ReadAsync(DbConnection connection, SqlDialect dialect, string select, int width,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (dialect.Provider == DatabaseProvider.PostgreSQL)
        {
            await connection.ExecuteAsync(new CommandDefinition($"DECLARE copy_rows NO SCROLL CURSOR FOR {select}", cancellationToken: cancellationToken));
            while (true)
            {
                var fetched = new List<object?[]>();
                await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition("FETCH 1000 FROM copy_rows", cancellationToken: cancellationToken)))
                {
                    while (await reader.ReadAsync(cancellationToken)) fetched.Add(Row(reader, width));
                }
                foreach (var row in fetched) yield return row;
                if (fetched.Count < 1000) break;
            }
            await connection.ExecuteAsync(new CommandDefinition("CLOSE copy_rows", cancellationToken: cancellationToken));
            yield break;
        }
        await using var rows = await connection.ExecuteReaderAsync(new CommandDefinition(select, cancellationToken: cancellationToken));
        while (await rows.ReadAsync(cancellationToken)) yield return Row(rows, width);
    }

    private static object?[] Row(DbDataReader reader, int width)
    {
        var row = new object?[width];
        for (var i = 0; i < width; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        return row;
    }

    /// <summary>One multi-row INSERT, written with ADO.NET's own parameters: Dapper's looks each of the thousands of
    /// names up in the collection it is adding to, which made a copy spend its time finding parameters.</summary>
    private static async Task InsertAsync(DbConnection connection, string table, List<string> columns, List<object?[]> rows, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
        await using var command = connection.CreateCommand();
        for (var r = 0; r < rows.Count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                var name = $"@p{r}_{c}";
                sql.Append(c == 0 ? "" : ", ").Append(name);
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = rows[r][c] ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            sql.Append(')');
        }
        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The command line for moving an archive: <c>copy --to-postgres "Host=…;Database=…"</c> copies the
/// configured archive into an empty PostgreSQL database, <c>copy --to-sqlite path.db</c> into a new SQLite file.
/// Run it with the source configured as usual (Database:Provider, Database:Path or PERSPECTIVES_DB,
/// Database:ConnectionString); then point the service at the target.</summary>
public static class CopyCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "copy";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error)
    {
        string? Option(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }
        Database target;
        if (Option("--to-postgres") is { Length: > 0 } connectionString) target = Database.ForPostgres(connectionString);
        else if (Option("--to-sqlite") is { Length: > 0 } path)
        {
            if (File.Exists(path)) { await error.WriteLineAsync($"{path} already exists: copy into a new file."); return 1; }
            target = new Database(path, pooling: false);
        }
        else
        {
            await error.WriteLineAsync("usage: copy --to-postgres \"Host=…;Database=…;Username=…\" | copy --to-sqlite PATH");
            return 2;
        }
        try
        {
            var report = await ArchiveCopy.CopyAsync(services.GetRequiredService<Database>(), target, output);
            await output.WriteLineAsync($"Copied the archive at revision {report.Revision}.");
            return 0;
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
        finally
        {
            target.Dispose();
        }
    }
}
