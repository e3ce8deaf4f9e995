using PerspectivesApi.Data;
using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Http;

namespace PerspectivesApi.Exports;

/// <summary>A column of a tidy table: its definition for every format, and the SQL that reads it.</summary>
public sealed record TidyColumn(string Name, ColumnType Type, bool Nullable, string Sql, string Description)
{
    public TableColumn Column => new(Name, Type, Nullable, Description);
}

/// <summary>One table of the archive as a data scientist wants it: one row per thing, one column per fact,
/// references as <c>…_id</c> columns that join on the other tables' <c>id</c>, dates with the first and last day
/// of their period, booleans as booleans. The same definition serves the download
/// (<c>/v1/export/tables/{name}.csv|.ndjson|.parquet</c>) and the snapshot's <c>tidy_{name}</c> view, so the two
/// cannot differ.</summary>
/// <param name="From">The FROM clause (SQL written here, never from input).</param>
/// <param name="OrderBy">A total order, served by an index where the table is large.</param>
/// <param name="TopicColumn">The column a topic's rows are selected by, for a table that can be narrowed to one topic.</param>
public sealed record TidyTable(string Name, string Description, string From, string OrderBy, IReadOnlyList<TidyColumn> Columns, string? TopicColumn = null)
{
    public IReadOnlyList<TableColumn> TableColumns { get; } = Columns.Select(c => c.Column).ToList();

    /// <summary>A condition every row meets (SQL written here, never from input).</summary>
    public string? Where { get; init; }

    public string ViewName => "tidy_" + Name;

    /// <summary>The whole table, in order: the snapshot's view.</summary>
    public string Sql => $"SELECT {string.Join(", ", Columns.Select(c => $"{c.Sql} AS {c.Name}"))} FROM {From}" +
                         (Where is null ? "" : $" WHERE {Where}") + $" ORDER BY {OrderBy}";

    public (string Sql, DynamicParameters Parameters) Query(string? topic, int? limit)
    {
        var parameters = new DynamicParameters();
        var conditions = new List<string>();
        if (Where is not null) conditions.Add(Where);
        if (topic is not null)
        {
            conditions.Add($"{TopicColumn ?? throw new InvalidOperationException($"{Name} cannot be narrowed to a topic.")} = @topic");
            parameters.Add("topic", topic);
        }
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        var sql = $"SELECT {string.Join(", ", Columns.Select(c => c.Sql))} FROM {From}{where} ORDER BY {OrderBy}";
        if (limit is { } n)
        {
            sql += " " + Data.SqlDialect.Limit(n);
        }
        return (sql, parameters);
    }

    /// <summary>Reads the rows in batches, converting each value to its column's type.</summary>
    public async Task ReadAsync(DbConnection connection, string? topic, int? limit, ChannelWriter<IReadOnlyList<object?[]>> batches, CancellationToken cancellationToken)
    {
        const int BatchSize = 256;
        var (sql, parameters) = Query(topic, limit);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        var batch = new List<object?[]>(BatchSize);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[Columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Columns[i].Type switch
                {
                    ColumnType.Integer => reader.GetInt64(i),
                    ColumnType.Real => reader.GetDouble(i),
                    // 0 or 1 from SQLite, a boolean from PostgreSQL (a comparison such as condition IS NOT NULL).
                    ColumnType.Boolean => Convert.ToBoolean(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture),
                    ColumnType.Date => IsoDate.TryParse(reader.GetString(i), out var day) ? day : throw new FormatException($"not a yyyy-MM-dd date: {reader.GetString(i)}"),
                    _ => reader.GetString(i),
                };
            }
            batch.Add(row);
            if (batch.Count == BatchSize)
            {
                await batches.WriteAsync(batch, cancellationToken);
                batch = new List<object?[]>(BatchSize);
            }
        }
        if (batch.Count > 0) await batches.WriteAsync(batch, cancellationToken);
    }
}

/// <summary>The archive's tables, tidy: what <c>/v1/export/tables</c> lists and the snapshot's views hold.</summary>
public static class TidyTables
{
    private static TidyColumn Text(string name, string sql, string description, bool nullable = true) => new(name, ColumnType.Text, nullable, sql, description);

    private static string Period(string what, bool first) => first
        ? $"The first day the {what} can fall on: the date itself at day precision, the 1st of its month or year otherwise; null when not known."
        : $"The last day the {what} can fall on: the date itself at day precision, the end of its month or year otherwise; null when not known.";

    public static readonly TidyTable Articles = new("articles",
        "Archived pieces: one row per article, with its metadata, provenance and clean body text.",
        "articles a", "a.id",
        [
            Text("id", "a.id", "The article's id (a slug): what stances.article_id and credits.article_id refer to.", nullable: false),
            Text("title", "a.title", "The title exactly as the source shows it.", nullable: false),
            Text("genre", "a.genre", "interview, analysis, opinion, news, column or editorial.", nullable: false),
            Text("language", "a.language", "BCP 47 language tag of the body.", nullable: false),
            Text("outlet_id", "a.outlet_id", "The publishing outlet (outlets.id); null when the source names none."),
            Text("url", "a.url", "The canonical URL; null when the source does not show it."),
            Text("published_date", "a.published_date", "The publication date at its precision: 2025-07-04, 2025-07 or 2025; null when not known."),
            Text("published_precision", "a.published_precision", "day, month or year; null when the date is not known."),
            new("published_first_day", ColumnType.Date, true, "nullif(a.published_key, '')", Period("publication", first: true)),
            new("published_last_day", ColumnType.Date, true, "a.published_end", Period("publication", first: false)),
            new("published_inferred", ColumnType.Boolean, true, "a.published_inferred",
                "false when the source states the date, true when it was worked out from the content (see published_reasoning); null when not known."),
            Text("published_reasoning", "a.published_reasoning", "How the date was established."),
            Text("republished_from_outlet_id", "a.republished_from_outlet_id", "The outlet where the piece first appeared (outlets.id), or null."),
            Text("republished_from_url", "a.republished_from_url", "Where it first appeared, or null."),
            Text("republished_note", "a.republished_note", "What the piece says about its first publication, or null."),
            Text("republished_from_date", "a.republished_from_date", "The date of the original publication at its precision, or null."),
            Text("republished_from_precision", "a.republished_from_precision", "day, month or year; null when that date is not known."),
            new("republished_from_first_day", ColumnType.Date, true, Exports.Period.FirstDaySql("a.republished_from_date", "a.republished_from_precision"),
                Period("original publication", first: true)),
            new("republished_from_last_day", ColumnType.Date, true, Exports.Period.LastDaySql("a.republished_from_date", "a.republished_from_precision"),
                Period("original publication", first: false)),
            new("republished_from_inferred", ColumnType.Boolean, true, "a.republished_from_inferred",
                "false when the source states the original's date, true when it was worked out; null when not known."),
            Text("republished_from_reasoning", "a.republished_from_reasoning", "The evidence for the original's date, or null."),
            Text("source_file", "a.source_file", "The raw capture the text was curated from (db/seed/sources/), or null."),
            Text("source_sha256", "a.source_sha256", "SHA-256 (hex) of that capture's bytes, or null."),
            Text("capture_notes", "a.capture_notes",
                "A JSON array of anomalies of the capture kept verbatim in the body ({kind, start, end, text, note}, offsets in code points); [] when none.", nullable: false),
            Text("excerpt", "a.excerpt", "The opening of the body, about 280 characters.", nullable: false),
            Text("body", "a.body", "The clean body text, paragraphs separated by a blank line. Quote offsets count Unicode code points in it.", nullable: false),
        ]);

    public static readonly TidyTable Authors = new("authors",
        "Voices whose perspective or credit is recorded: persons, institutions, groups and editorial voices.",
        "authors au", "au.id",
        [
            Text("id", "au.id", "The voice's id (a slug): what stances.author_id, stances.attribution_via_id and credits.author_id refer to.", nullable: false),
            Text("name", "au.name", "The voice's name.", nullable: false),
            Text("kind", "au.kind", "person, institution, group or editorial (an outlet's or an unsigned piece's own voice).", nullable: false),
            Text("affiliation", "au.affiliation", "The affiliation or role the articles give the voice, or null."),
            Text("outlet_id", "au.outlet_id", "For an editorial voice, the outlet whose voice it is (outlets.id); null otherwise or when unknown."),
        ]);

    public static readonly TidyTable Outlets = new("outlets",
        "Publications: newspapers, magazines, broadcasters, news sites, news agencies and blogs.",
        "outlets o", "o.id",
        [
            Text("id", "o.id", "The outlet's id (a slug): what articles.outlet_id and authors.outlet_id refer to.", nullable: false),
            Text("name", "o.name", "The outlet's name.", nullable: false),
            Text("kind", "o.kind", "newspaper, magazine, broadcaster, news-site, news-agency or blog; null when not certain."),
            Text("country", "o.country", "ISO 3166-1 alpha-2 country code; null when not certain."),
            Text("url", "o.url", "The outlet's home page, or null."),
            Text("description", "o.description", "A sentence about the outlet, or null."),
        ]);

    public static readonly TidyTable Topics = new("topics",
        "Questions the archive compares perspectives on, each framed as a proposition that stances take a position on.",
        "topics t", "t.id",
        [
            Text("id", "t.id", "The topic's id (a slug): what stances.topic_id and topic_summaries.topic_id refer to.", nullable: false),
            Text("title", "t.title", "A short title for the question.", nullable: false),
            Text("proposition", "t.proposition", "The statement a stance supports or opposes.", nullable: false),
            Text("description", "t.description", "Context for the question, or null."),
            new("time_dependent", ColumnType.Boolean, true, "t.time_dependent",
                "true when the answer depends on the moment (compare positions within one period of held_*), false when not, null when not stated."),
        ]);

    public static readonly TidyTable Stances = new("stances",
        "One voice's position on one topic in one article, with the exact quote as evidence, how its words reach us and when it was held.",
        "stances s", "s.id",
        [
            Text("id", "s.id", "The stance's id (a slug).", nullable: false),
            Text("topic_id", "s.topic_id", "The topic (topics.id).", nullable: false),
            Text("article_id", "s.article_id", "The article that records it (articles.id).", nullable: false),
            Text("author_id", "s.author_id", "The voice holding it (authors.id); null only for a stance written before schema 7 for an unsigned article's unnamed editorial voice."),
            Text("position", "s.position", "supports, opposes, mixed or neutral, towards the topic's proposition.", nullable: false),
            Text("condition", "s.condition", "For a conditional position, the condition it is taken under; null for an unconditional one."),
            new("conditional", ColumnType.Boolean, false, "s.condition IS NOT NULL", "true when the position is taken under a condition (see condition)."),
            Text("quote", "s.quote", "The exact words from the article's body.", nullable: false),
            new("quote_start", ColumnType.Integer, false, "s.quote_start", "Where the quote starts in the article's body, in Unicode code points from 0."),
            new("quote_end", ColumnType.Integer, false, "s.quote_end", "Where it ends, in code points, exclusive: body[quote_start:quote_end] == quote in Python."),
            Text("summary", "s.summary", "A one-sentence paraphrase.", nullable: false),
            Text("attribution_kind", "s.attribution_kind", "How the words reach us: own-words, quoted, reported or editorial; null when not recorded."),
            Text("attribution_via_id", "s.attribution_via", "For quoted or reported words, the voice who relays them (authors.id); null otherwise or when not recorded."),
            Text("held_date", "s.held_date", "When the position was held, at its precision (by default the article's date); null when not known."),
            Text("held_precision", "s.held_precision", "day, month or year; null when not known."),
            new("held_first_day", ColumnType.Date, true, "nullif(s.held_key, '')", Period("time the position was held", first: true)),
            new("held_last_day", ColumnType.Date, true, "s.held_end", Period("time the position was held", first: false)),
            Text("held_reasoning", "s.held_reasoning", "Why the time held differs from the article's date, or null."),
            Text("method", "s.method", "How the stance was read: curated (by hand) or imported; null when not recorded."),
            Text("curator", "s.curator", "Who read it: seed-corpus or a curator key's name; null when not recorded."),
            Text("confidence", "s.confidence", "How sure the reading is: high, medium or low; null when not recorded."),
            Text("note", "s.note", "Why the reading is debatable, or null."),
        ],
        TopicColumn: "s.topic_id");

    public static readonly TidyTable Credits = new("credits",
        "Who is credited on each article, and in what role: joins articles (article_id) to authors (author_id).",
        "credits c", "c.article_id, c.ordinal",
        [
            Text("article_id", "c.article_id", "The article (articles.id).", nullable: false),
            Text("author_id", "c.author_id", "The voice credited (authors.id).", nullable: false),
            Text("role", "c.role", "author, interviewer, interviewee, translator, or quoted (kept for archives from before schema 7).", nullable: false),
            new("ordinal", ColumnType.Integer, false, "c.ordinal", "The credit's place in the article's list (bylined voices first)."),
        ]);

    /// <summary>The four positions, in the order the summaries list them.</summary>
    private const string Positions =
        "(SELECT 1 AS ordinal, 'supports' AS position UNION ALL SELECT 2, 'opposes' UNION ALL SELECT 3, 'mixed' UNION ALL SELECT 4, 'neutral')";

    public static readonly TidyTable TopicSummaries = new("topic_summaries",
        "The topic summaries as a long table: for each topic, dimension and group, how many stances take each position. " +
        "The counts of GET /v1/topics/{id}/summary, with every outlet and voice (not only the 50 with most stances).",
        $"topic_tallies t CROSS JOIN {Positions} p LEFT JOIN outlets o ON t.dimension = 'outlet' AND o.id = t.group_key " +
        "LEFT JOIN authors au ON t.dimension = 'author' AND au.id = t.group_key",
        "t.topic_id, t.dimension, t.group_key, p.ordinal",
        [
            Text("topic_id", "t.topic_id", "The topic (topics.id).", nullable: false),
            Text("dimension", "t.dimension",
                "What the stances are grouped by: all (every stance of the topic), outlet (of the article), author (the voice), month (of publication), " +
                "held_year, held_month (when the position was held), voice_kind or attribution.", nullable: false),
            Text("group_value", "nullif(t.group_key, '')",
                "The group: an outlet id, an author id, a yyyy-MM month, a yyyy year, a voice kind or an attribution kind; null for all, and for the stances " +
                "whose value is unknown (an unknown outlet, an undated article, a time held unknown, no named voice)."),
            Text("group_name", "CASE t.dimension WHEN 'outlet' THEN o.name WHEN 'author' THEN au.name END",
                "The outlet's or voice's name when the group is one; null otherwise."),
            Text("position", "p.position", "supports, opposes, mixed or neutral.", nullable: false),
            new("count", ColumnType.Integer, false,
                "CASE p.position WHEN 'supports' THEN t.supports WHEN 'opposes' THEN t.opposes WHEN 'mixed' THEN t.mixed ELSE t.neutral END",
                "How many of the group's stances take the position (0 included: every group has its four positions)."),
        ],
        TopicColumn: "t.topic_id")
    {
        // A group whose stances were all deleted keeps its row, with total 0: it is no longer a group.
        Where = "t.total > 0",
    };

    public static readonly IReadOnlyList<TidyTable> All = [Articles, Authors, Outlets, Topics, Stances, Credits, TopicSummaries];
}
