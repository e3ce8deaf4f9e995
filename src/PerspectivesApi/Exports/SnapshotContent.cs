using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Exports;

/// <summary>A column the snapshot keeps, with what its values are and mean.</summary>
public sealed record SnapshotColumn(string Name, ColumnType Type, string Description);

/// <summary>A table of the public snapshot and every column it keeps.</summary>
/// <param name="Rows">A condition on the rows, when only some are public (SQL written here, never from input).</param>
/// <param name="KeepRowids">Copy the rowids as well: a full-text index names its table's rows by rowid.</param>
/// <param name="FullTextIndex">An FTS5 index, copied as its index (its shadow tables), not rebuilt.</param>
public sealed record SnapshotTable(string Name, string Description, IReadOnlyList<SnapshotColumn> Columns, string? Rows = null, bool KeepRowids = false, bool FullTextIndex = false)
{
    public IReadOnlyList<string> ColumnNames { get; } = Columns.Select(c => c.Name).ToList();
}

/// <summary>What the public snapshot (GET /v1/export/archive.sqlite) holds: this list, and nothing else.
/// The archive also keeps what is not public (curators' keys, the answers kept for Idempotency-Key
/// retries, the secret that signs cursors) and its own bookkeeping (triggers, views); none of it is ever
/// written to the snapshot, so no private byte can survive in a free page of it. A table or column added
/// to the archive stays out until it is named here, and a column named here that the archive no longer
/// has stops the copy, so the list cannot silently drift from the schema. The file describes itself: beside
/// the copied tables it holds the tidy tables as views (<see cref="TidyTables"/>) and a data dictionary of
/// every table, view and column. db/SNAPSHOT.md is generated from these lists (a test holds that file, the
/// lists and the downloaded file to one another).</summary>
public static class SnapshotContent
{
    public static readonly IReadOnlyList<SnapshotTable> Tables =
    [
        // Only the revision and its time: the ETag and Last-Modified name them, and a reader can compare them with a later snapshot's.
        new("meta", "The revision that the snapshot was taken at, and its time.",
        [
            new("key", ColumnType.Text, "`revision`, or `revised_at`"),
            new("value", ColumnType.Text, "for `revision`, the archive's revision: a number the database increases on every write, as text; for `revised_at`, when the archive reached it (UTC, ISO 8601)"),
        ], Rows: "key IN ('revision', 'revised_at')"),
        new("outlets", "Publications: newspapers, magazines, broadcasters, news sites, news agencies and blogs.",
        [
            new("id", ColumnType.Text, "the outlet's slug"),
            new("name", ColumnType.Text, "its name"),
            new("kind", ColumnType.Text, "`newspaper`, `magazine`, `broadcaster`, `news-site`, `news-agency`, `blog`, or NULL when not known"),
            new("country", ColumnType.Text, "an ISO 3166-1 alpha-2 code, or NULL when not certain"),
            new("url", ColumnType.Text, "its home page, or NULL"),
            new("description", ColumnType.Text, "what it is, or NULL"),
        ]),
        new("authors", "The people (and institutions) whose perspective or credit is recorded: writers, interviewers, interviewees and quoted speakers.",
        [
            new("id", ColumnType.Text, "the author's slug"),
            new("name", ColumnType.Text, "the name as the archive records it"),
            new("affiliation", ColumnType.Text, "the affiliation as the article gives it, or NULL"),
            new("kind", ColumnType.Text, "`person`, `institution`, `group` or `editorial` (an outlet's or unsigned piece's own voice)"),
            new("outlet_id", ColumnType.Text, "for an editorial voice, the outlet whose voice it is (`outlets.id`), or NULL"),
        ]),
        new("articles", "Archived pieces, with their clean body text and provenance.",
        [
            new("id", ColumnType.Text, "the article's slug"),
            new("title", ColumnType.Text, "the title exactly as the page shows it"),
            new("genre", ColumnType.Text, "`interview`, `analysis`, `opinion`, `news`, `column` or `editorial`"),
            new("language", ColumnType.Text, "a BCP 47 language tag"),
            new("outlet_id", ColumnType.Text, "the publishing outlet (`outlets.id`), or NULL when the document names no publisher"),
            new("url", ColumnType.Text, "the canonical URL, or NULL when the document does not show it"),
            new("published_date", ColumnType.Text, "the publication date at its precision (`2025-07-04`, `2025-07` or `2025`), or NULL when not known"),
            new("published_precision", ColumnType.Text, "`day`, `month` or `year`; NULL when the date is not known"),
            new("published_inferred", ColumnType.Boolean, "0 (false) when the document states the date, 1 (true) when it was worked out from the content; NULL when the date is not known"),
            new("published_reasoning", ColumnType.Text, "the evidence for the date"),
            new("published_key", ColumnType.Text, "generated: the first day the publication can fall on (`''` when the date is not known), for sorting"),
            new("published_end", ColumnType.Date, "generated: the last day the publication can fall on, or NULL"),
            new("republished_from_outlet_id", ColumnType.Text, "the outlet where the piece first appeared (`outlets.id`), or NULL"),
            new("republished_from_url", ColumnType.Text, "where it first appeared, or NULL"),
            new("republished_note", ColumnType.Text, "what the piece says about its first publication, or NULL"),
            new("source_file", ColumnType.Text, "the raw capture that the text was taken from (`db/seed/sources/`), or NULL"),
            new("source_sha256", ColumnType.Text, "the SHA-256 of that capture's bytes, or NULL"),
            new("excerpt", ColumnType.Text, "the opening of the body as the lists show it: about 280 characters of the first paragraph, cut at a word"),
            new("body", ColumnType.Text, "the clean body text: one paragraph per line, with paragraphs separated by a blank line"),
            new("republished_from_date", ColumnType.Text, "the date of the original publication at its precision, or NULL when not known"),
            new("republished_from_precision", ColumnType.Text, "`day`, `month` or `year`; NULL when that date is not known"),
            new("republished_from_inferred", ColumnType.Boolean, "0 (false) when the document states that date, 1 (true) when it was worked out; NULL when not known"),
            new("republished_from_reasoning", ColumnType.Text, "the evidence for that date, or NULL"),
            new("capture_notes", ColumnType.Text, "a JSON array of notes on the capture itself (e.g. a spliced sentence kept verbatim, with its code-point range)"),
            new("stance_count", ColumnType.Integer, "derived: how many stances the archive records in the article (rows of `stances` naming it), kept by triggers"),
        ], KeepRowids: true),
        new("credits", "Who is credited on an article, and in what role.",
        [
            new("article_id", ColumnType.Text, "the article (`articles.id`)"),
            new("author_id", ColumnType.Text, "the person credited (`authors.id`)"),
            new("role", ColumnType.Text, "`author`, `interviewer`, `interviewee`, `translator`, or `quoted` (deprecated: kept for archives from before schema 7; who is quoted is said by stances)"),
            new("ordinal", ColumnType.Integer, "the credit's position in the article's list (bylined people first)"),
        ]),
        new("topics", "Questions that several articles address, each framed as a proposition.",
        [
            new("id", ColumnType.Text, "the topic's slug"),
            new("title", ColumnType.Text, "the question"),
            new("proposition", ColumnType.Text, "the statement that a stance supports or opposes"),
            new("description", ColumnType.Text, "context, or NULL"),
            new("time_dependent", ColumnType.Boolean, "1 (true) when the answer depends on the moment (positions from different periods are not a disagreement), 0 (false) when not, NULL when not recorded"),
        ]),
        new("stances", "One voice's position on one topic in one article, with the exact quote as evidence.",
        [
            new("id", ColumnType.Text, "the stance's slug"),
            new("topic_id", ColumnType.Text, "the topic (`topics.id`)"),
            new("article_id", ColumnType.Text, "the article that records it (`articles.id`)"),
            new("author_id", ColumnType.Text, "the voice that holds it (`authors.id`); NULL only for stances written before schema 7, when NULL meant the editorial voice"),
            new("position", ColumnType.Text, "`supports`, `opposes`, `mixed` or `neutral`, measured against the topic's proposition"),
            new("quote", ColumnType.Text, "the evidence, copied exactly from the article's body"),
            new("quote_start", ColumnType.Integer, "where the quote starts in the body, in code points"),
            new("quote_end", ColumnType.Integer, "where it ends, in code points (exclusive)"),
            new("summary", ColumnType.Text, "one neutral sentence that says what the stance is"),
            new("condition", ColumnType.Text, "the condition a conditional position holds under (\"would lead to…\"), or NULL"),
            new("attribution_kind", ColumnType.Text, "how the words reach us: `own-words`, `quoted`, `reported` or `editorial`; NULL when not recorded"),
            new("attribution_via", ColumnType.Text, "for quoted or reported words, the voice who relays them (`authors.id`), or NULL"),
            new("held_date", ColumnType.Text, "when the position was held, at its precision (by default the article's date), or NULL when not known"),
            new("held_precision", ColumnType.Text, "`day`, `month` or `year`; NULL when not known"),
            new("held_reasoning", ColumnType.Text, "why the time held differs from the article's date, or NULL"),
            new("method", ColumnType.Text, "how the stance was read: `curated` (by hand) or `imported`; NULL when not recorded"),
            new("curator", ColumnType.Text, "who read it: `seed-corpus` or the curator key's name; NULL when not recorded"),
            new("confidence", ColumnType.Text, "`high`, `medium` or `low`; NULL when not recorded"),
            new("note", ColumnType.Text, "why the reading is debatable, or NULL"),
            new("held_key", ColumnType.Text, "generated: the first day of the period the position was held in (`''` when not known), for sorting"),
            new("held_end", ColumnType.Date, "generated: the last day of that period, or NULL"),
            new("conditional", ColumnType.Text, "generated: the text `true` when the stance has a condition, else `false`"),
        ], KeepRowids: true),
        new("topic_tallies", "How many of each topic's stances take each position, overall and by voice, outlet and month. These are the counts that `/v1/topics/{id}/summary` serves. A group whose count has fallen to zero keeps its row, with `total` 0.",
        [
            new("topic_id", ColumnType.Text, "the topic (`topics.id`)"),
            new("dimension", ColumnType.Text, "`all`, `author`, `outlet`, `month`, `held_year`, `held_month`, `voice_kind` or `attribution`"),
            new("group_key", ColumnType.Text, "`''` for `all`; an author id, an outlet id, a `yyyy-MM` month, a `yyyy` year held, a voice kind or an attribution kind; `''` where the value is unknown or not recorded"),
            new("supports", ColumnType.Integer, "stances in the group that support the proposition"),
            new("opposes", ColumnType.Integer, "stances that oppose it"),
            new("mixed", ColumnType.Integer, "stances that are mixed"),
            new("neutral", ColumnType.Integer, "stances that are neutral"),
            new("total", ColumnType.Integer, "the sum of the four"),
        ]),
        // The public history (/v1/changes and each resource's /revisions serve the same rows): curator names sign it.
        new("revisions", "The archive's public history: every change, in order, from the seed corpus on. It is the same data that `/v1/changes` and each resource's `/revisions` serve.",
        [
            new("seq", ColumnType.Integer, "the change's number, increasing"),
            new("collection", ColumnType.Text, "`outlets`, `authors`, `articles`, `topics` or `stances`"),
            new("resource_id", ColumnType.Text, "the id of the resource that changed"),
            new("action", ColumnType.Text, "`create`, `update`, `delete` or `restore`"),
            new("curator", ColumnType.Text, "who made the change: the name of the curator's key, or `seed-corpus` for the seed corpus"),
            new("at", ColumnType.Text, "when the change was made (UTC, ISO 8601)"),
            new("before", ColumnType.Text, "the resource's JSON document before the change, or NULL for a creation"),
            new("after", ColumnType.Text, "its JSON document after the change, or NULL for a deletion"),
            new("note", ColumnType.Text, "a note about the change (for example `import`, or `restored revision 12`), or NULL"),
        ]),
        new("articles_fts", "The full-text index of article titles and bodies (FTS5, with the tokenizer `porter unicode61 remove_diacritics 2`). Its rowids are those of `articles`. Query it with `SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH 'shusha'`. Its shadow tables (`articles_fts_data`, `_idx`, `_docsize` and `_config`) are the index itself.",
        [
            new("title", ColumnType.Text, "the article's title, as indexed"),
            new("body", ColumnType.Text, "its body, as indexed"),
        ], FullTextIndex: true),
        new("stances_fts", "The full-text index of stance quotes (FTS5, with the same tokenizer). Its rowids are those of `stances`.",
        [
            new("quote", ColumnType.Text, "the stance's quote, as indexed"),
        ], FullTextIndex: true),
    ];

    /// <summary>Writes the snapshot of the archive at <paramref name="archivePath"/> into a new SQLite file at
    /// <paramref name="snapshotPath"/> and returns the archive revision it holds, and its time. Every table is read in one
    /// read transaction of the archive, so the copy is consistent while curators write.</summary>
    public static async Task<ArchiveStamp> WriteAsync(string archivePath, string snapshotPath, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            // A file: URI, so that the ATTACH below may open the archive read-only.
            DataSource = new Uri(snapshotPath).AbsoluteUri,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        // Under the request's budget, like every read of the archive: the copy's statements stop when it runs
        // out or the client leaves.
        await using var snapshot = QueryBudget.Current?.Connect(connectionString) ?? new SqliteConnection(connectionString);
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
            if (!columns.Select(c => c.Name).SequenceEqual(table.ColumnNames))
                throw new InvalidOperationException(
                    $"The archive's table {table.Name} has the columns ({string.Join(", ", columns.Select(c => c.Name))}) but the snapshot's allowlist " +
                    $"names ({string.Join(", ", table.ColumnNames)}): say in SnapshotContent (and regenerate db/SNAPSHOT.md) whether the change is public.");

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
        foreach (var view in TidyTables.All) await Run($"CREATE VIEW {view.ViewName} AS {view.Sql}");
        await WriteDictionaryAsync(snapshot, cancellationToken);
        return await ArchiveStamp.ReadAsync(snapshot, cancellationToken);

        // Text always: Dapper takes a statement without a space ("BEGIN") for a stored procedure's name.
        Task Run(string sql) => snapshot.ExecuteAsync(new CommandDefinition(sql, commandType: System.Data.CommandType.Text, cancellationToken: cancellationToken));
    }

    /// <summary>The tables that describe the snapshot's own tables, views and columns.</summary>
    public static readonly IReadOnlyList<SnapshotTable> Dictionary =
    [
        new(DictionaryTables, "Every table and view of this file: what it is and what one row holds.",
        [
            new("name", ColumnType.Text, "the table's or view's name"),
            new("kind", ColumnType.Text, "`table` (the archive's own, copied), `view` (a tidy table, as GET /v1/export/tables serves it), `full-text index`, " +
                                        "`full-text index storage` (internal to an index: never read or change it) or `dictionary`"),
            new("description", ColumnType.Text, "what it holds"),
        ]),
        new(DictionaryColumns, "Every column of the tables and views of this file, in order, with its type and meaning.",
        [
            new("table_name", ColumnType.Text, "the table or view (`dictionary_tables.name`)"),
            new("ordinal", ColumnType.Integer, "the column's place, from 1"),
            new("column_name", ColumnType.Text, "the column's name"),
            new("type", ColumnType.Text, "`text`, `integer`, `real`, `boolean` (stored as 0 for false and 1 for true), `date` (yyyy-MM-dd text) or `list of text`"),
            new("nullable", ColumnType.Boolean, "1 when the column may be NULL"),
            new("description", ColumnType.Text, "what it holds"),
        ]),
    ];

    private const string DictionaryTables = "dictionary_tables";
    private const string DictionaryColumns = "dictionary_columns";

    private static async Task WriteDictionaryAsync(SqliteConnection snapshot, CancellationToken cancellationToken)
    {
        await snapshot.ExecuteAsync(new CommandDefinition($"""
            CREATE TABLE {DictionaryTables} (name TEXT PRIMARY KEY, kind TEXT NOT NULL, description TEXT NOT NULL) STRICT;
            CREATE TABLE {DictionaryColumns} (table_name TEXT NOT NULL, ordinal INTEGER NOT NULL, column_name TEXT NOT NULL, type TEXT NOT NULL,
                nullable INTEGER NOT NULL, description TEXT NOT NULL, PRIMARY KEY (table_name, ordinal)) STRICT;
            """, cancellationToken: cancellationToken));
        var tables = new List<object>();
        var columns = new List<object>();
        void Describe(string name, string kind, string description, IEnumerable<(string Name, ColumnType Type, bool Nullable, string Description)> of)
        {
            tables.Add(new { name, kind, description });
            columns.AddRange(of.Select((c, i) => new { table = name, ordinal = i + 1, column = c.Name, type = TypeName(c.Type), nullable = c.Nullable ? 1 : 0, description = c.Description }));
        }

        foreach (var table in Tables)
        {
            var nullable = (await snapshot.QueryAsync<(string Name, long NotNull, long Pk)>(new CommandDefinition(
                "SELECT name, \"notnull\", pk FROM pragma_table_xinfo(@table) WHERE hidden <> 1", new { table = table.Name }, cancellationToken: cancellationToken)))
                .ToDictionary(c => c.Name, c => c.NotNull == 0 && c.Pk == 0);
            Describe(table.Name, table.FullTextIndex ? "full-text index" : "table", table.Description,
                table.Columns.Select(c => (c.Name, c.Type, nullable.GetValueOrDefault(c.Name, true), c.Description)));
            if (!table.FullTextIndex) continue;
            var shadows = await snapshot.QueryAsync<string>(new CommandDefinition(
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow' AND substr(name, 1, length(@table) + 1) = @table || '_' ORDER BY name",
                new { table = table.Name }, cancellationToken: cancellationToken));
            foreach (var shadow in shadows)
                Describe(shadow, "full-text index storage", $"Internal storage of the full-text index {table.Name} (FTS5): query {table.Name} instead; never read or change it.", []);
        }
        foreach (var view in TidyTables.All)
            Describe(view.ViewName, "view", $"{view.Description} The same rows and columns as GET /v1/export/tables/{view.Name}.csv.",
                view.TableColumns.Select(c => (c.Name, c.Type, c.Nullable, c.Description)));
        foreach (var table in Dictionary)
            Describe(table.Name, "dictionary", table.Description, table.Columns.Select(c => (c.Name, c.Type, false, c.Description)));

        await snapshot.ExecuteAsync(new CommandDefinition($"INSERT INTO {DictionaryTables} (name, kind, description) VALUES (@name, @kind, @description)", tables, cancellationToken: cancellationToken));
        await snapshot.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO {DictionaryColumns} (table_name, ordinal, column_name, type, nullable, description) VALUES (@table, @ordinal, @column, @type, @nullable, @description)",
            columns, cancellationToken: cancellationToken));
    }

    /// <summary>How a type reads in the dictionary and db/SNAPSHOT.md.</summary>
    public static string TypeName(ColumnType type) => new TableColumn("", type, false, "").TypeName;

    /// <summary>db/SNAPSHOT.md's part generated from this list: every table, view and dictionary table, with its columns.</summary>
    public static string Markdown()
    {
        var text = new System.Text.StringBuilder();
        void Section(string heading, string description, IEnumerable<(string Name, ColumnType Type, string Description)> columns)
        {
            text.Append($"## {heading}\n\n{description}\n\n| column | type | meaning |\n|---|---|---|\n");
            foreach (var (name, type, meaning) in columns) text.Append($"| `{name}` | {TypeName(type)} | {meaning.Replace("|", "\\|")} |\n");
            text.Append('\n');
        }
        text.Append("# The tables\n\nThe archive's own tables, copied with their columns, types, constraints and indexes. Booleans are 0 (false) and 1 (true).\n\n");
        foreach (var table in Tables) Section($"`{table.Name}`", table.Description, table.Columns.Select(c => (c.Name, c.Type, c.Description)));
        text.Append("# The views: the tidy tables\n\nThe tables of GET /v1/export/tables, with the same rows and columns: references as `…_id` columns, every " +
                    "date at a precision with the first and last day of its period, booleans as 0 (false) and 1 (true).\n\n");
        foreach (var view in TidyTables.All) Section($"`{view.ViewName}` (view)", view.Description, view.TableColumns.Select(c => (c.Name, c.Type, c.Description)));
        text.Append("# The dictionary\n\n");
        foreach (var table in Dictionary) Section($"`{table.Name}` (dictionary)", table.Description, table.Columns.Select(c => (c.Name, c.Type, c.Description)));
        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
