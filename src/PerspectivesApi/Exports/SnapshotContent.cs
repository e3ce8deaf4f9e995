using Dapper;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Exports;

/// <summary>A table of the public snapshot and every column it keeps.</summary>
/// <param name="Rows">A condition on the rows, when only some are public (SQL written here, never from input).</param>
/// <param name="KeepRowids">Copy the rowids as well: a full-text index names its table's rows by rowid.</param>
/// <param name="FullTextIndex">An FTS5 index, copied as its index (its shadow tables), not rebuilt.</param>
public sealed record SnapshotTable(string Name, IReadOnlyList<string> Columns, string? Rows = null, bool KeepRowids = false, bool FullTextIndex = false);

/// <summary>What the public snapshot (GET /v1/export/archive.sqlite) holds: this list, and nothing else.
/// The archive also keeps what is not public (curators' keys, the answers kept for Idempotency-Key
/// retries, the secret that signs cursors) and its own bookkeeping (triggers, views); none of it is ever
/// written to the snapshot, so no private byte can survive in a free page of it. A table or column added
/// to the archive stays out until it is named here, and a column named here that the archive no longer
/// has stops the copy, so the list cannot silently drift from the schema. db/SNAPSHOT.md says what each
/// table and column means; a test holds that file, this list and the downloaded file to one another.</summary>
public static class SnapshotContent
{
    public static readonly IReadOnlyList<SnapshotTable> Tables =
    [
        // Only the revision and its time: the ETag and Last-Modified name them, and a reader can compare them with a later snapshot's.
        new("meta", ["key", "value"], Rows: "key IN ('revision', 'revised_at')"),
        new("outlets", ["id", "name", "kind", "country", "url", "description"]),
        new("authors", ["id", "name", "affiliation", "kind", "outlet_id"]),
        new("articles",
        [
            "id", "title", "genre", "language", "outlet_id", "url",
            "published_date", "published_precision", "published_inferred", "published_reasoning", "published_key", "published_end",
            "republished_from_outlet_id", "republished_from_url", "republished_note", "source_file", "source_sha256", "excerpt", "body",
            "republished_from_date", "republished_from_precision", "republished_from_inferred", "republished_from_reasoning", "capture_notes",
        ], KeepRowids: true),
        new("credits", ["article_id", "author_id", "role", "ordinal"]),
        new("topics", ["id", "title", "proposition", "description", "time_dependent"]),
        new("stances",
        [
            "id", "topic_id", "article_id", "author_id", "position", "quote", "quote_start", "quote_end", "summary",
            "condition", "attribution_kind", "attribution_via", "held_date", "held_precision", "held_reasoning",
            "method", "curator", "confidence", "note", "held_key", "held_end", "conditional",
        ], KeepRowids: true),
        new("topic_tallies", ["topic_id", "dimension", "group_key", "supports", "opposes", "mixed", "neutral", "total"]),
        // The public history (/v1/changes and each resource's /revisions serve the same rows): curator names sign it.
        new("revisions", ["seq", "collection", "resource_id", "action", "curator", "at", "before", "after", "note"]),
        new("articles_fts", ["title", "body"], FullTextIndex: true),
        new("stances_fts", ["quote"], FullTextIndex: true),
    ];

    /// <summary>Writes the snapshot of the archive at <paramref name="archivePath"/> into a new SQLite file at
    /// <paramref name="snapshotPath"/> and returns the archive revision it holds, and its time. Every table is read in one
    /// read transaction of the archive, so the copy is consistent while curators write.</summary>
    public static async Task<ArchiveStamp> WriteAsync(string archivePath, string snapshotPath, CancellationToken cancellationToken)
    {
        await using var snapshot = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            // A file: URI, so that the ATTACH below may open the archive read-only.
            DataSource = new Uri(snapshotPath).AbsoluteUri,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        await snapshot.OpenAsync(cancellationToken);
        // A new file that is thrown away if anything fails: no journal, no fsync.
        await snapshot.ExecuteAsync("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA busy_timeout = 5000;");
        await snapshot.ExecuteAsync("ATTACH DATABASE @archive AS archive", new { archive = new Uri(archivePath).AbsoluteUri + "?mode=ro" });

        var indexes = new List<string>();
        await Run("BEGIN");
        foreach (var table in Tables)
        {
            var columns = (await snapshot.QueryAsync<(string Name, long Hidden)>(new CommandDefinition(
                "SELECT name, hidden FROM pragma_table_xinfo(@table, 'archive') WHERE hidden <> 1 ORDER BY cid",
                new { table = table.Name }, cancellationToken: cancellationToken))).ToList();
            if (!columns.Select(c => c.Name).SequenceEqual(table.Columns))
                throw new InvalidOperationException(
                    $"The archive's table {table.Name} has the columns ({string.Join(", ", columns.Select(c => c.Name))}) but the snapshot's allowlist " +
                    $"names ({string.Join(", ", table.Columns)}): say in SnapshotContent and db/SNAPSHOT.md whether the change is public.");

            // The archive's own definition, so types, constraints and generated columns stay what they are.
            await Run(await snapshot.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT sql FROM archive.sqlite_schema WHERE type = 'table' AND name = @table", new { table = table.Name }, cancellationToken: cancellationToken))
                ?? throw new InvalidOperationException($"The archive has no table {table.Name}."));

            if (table.FullTextIndex)
            {
                // Copying the index's own tables costs a copy; rebuilding it re-reads and re-tokenizes every text.
                var shadows = await snapshot.QueryAsync<string>(new CommandDefinition(
                    "SELECT name FROM pragma_table_list WHERE schema = 'archive' AND type = 'shadow' AND substr(name, 1, length(@table) + 1) = @table || '_'",
                    new { table = table.Name }, cancellationToken: cancellationToken));
                foreach (var shadow in shadows)
                    await Run($"DELETE FROM main.{Quote(shadow)}; INSERT INTO main.{Quote(shadow)} SELECT * FROM archive.{Quote(shadow)}");
                continue;
            }

            // Generated columns are computed again from the copied ones.
            var copied = string.Join(", ", (table.KeepRowids ? ["rowid"] : Array.Empty<string>())
                .Concat(columns.Where(c => c.Hidden == 0).Select(c => Quote(c.Name))));
            await Run($"INSERT INTO main.{Quote(table.Name)} ({copied}) SELECT {copied} FROM archive.{Quote(table.Name)}" +
                      (table.Rows is null ? "" : $" WHERE {table.Rows}"));
            indexes.AddRange(await snapshot.QueryAsync<string>(new CommandDefinition(
                "SELECT sql FROM archive.sqlite_schema WHERE type = 'index' AND tbl_name = @table AND sql IS NOT NULL",
                new { table = table.Name }, cancellationToken: cancellationToken)));
        }
        var version = await snapshot.ExecuteScalarAsync<long>("PRAGMA archive.user_version");
        await Run($"PRAGMA main.user_version = {version}");
        await Run("COMMIT");
        await Run("DETACH DATABASE archive");

        // After the copy, outside the archive's read transaction: building an index from sorted keys is faster
        // than keeping it up to date row by row, and the archive is not held meanwhile.
        foreach (var index in indexes) await Run(index);
        return await ArchiveStamp.ReadAsync(snapshot, cancellationToken);

        // Text always: Dapper takes a statement without a space ("BEGIN") for a stored procedure's name.
        Task Run(string sql) => snapshot.ExecuteAsync(new CommandDefinition(sql, commandType: System.Data.CommandType.Text, cancellationToken: cancellationToken));
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
