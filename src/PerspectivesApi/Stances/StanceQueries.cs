using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Articles;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Stances;

public static class StanceQueries
{
    public static readonly Collection Collection = new(
        Name: "stances",
        Columns: """
            s.id, s.position, s.condition, s.quote, s.quote_start, s.quote_end, s.summary,
            s.topic_id, t.title AS topic_title, s.author_id, au.name AS author_name, au.kind AS author_kind,
            s.attribution_kind, s.attribution_via, via.name AS via_name, via.kind AS via_kind,
            s.held_date, s.held_precision, s.held_reasoning, s.method, s.curator, s.confidence, s.note,
            s.article_id, a.title AS article_title, a.outlet_id, o.name AS outlet_name,
            a.published_date, a.published_precision, a.published_inferred, a.published_reasoning
            """,
        // "+s.topic_id" keeps the planner from reaching the stances through their topic: with the time-held
        // indexes of 0009 it may otherwise read every topic's stances and sort them all before the first row of an
        // export (3 million rows: past the read budget). The topic is a lookup by key from the stance, as are the
        // other tables; the topic filter is its own term and keeps its index.
        From: """
            stances s
            JOIN topics t ON t.id = +s.topic_id
            JOIN articles a ON a.id = s.article_id
            LEFT JOIN outlets o ON o.id = a.outlet_id
            LEFT JOIN authors au ON au.id = s.author_id
            LEFT JOIN authors via ON via.id = s.attribution_via
            """,
        IdColumn: "s.id",
        Filters:
        [
            new("topic", FilterKind.Id, "s.topic_id IN @topic", "Only stances on this topic (a topic id). Repeat for several.", "baku-moscow-rift-is-permanent"),
            new("article", FilterKind.Id, "s.article_id IN @article", "Only stances recorded in this article (an article id). Repeat for several.", "point-of-no-return-aslan-ismailov"),
            new("author", FilterKind.Id, "s.author_id IN @author", "Only stances held by this voice (an author id). Repeat for several.", "aslan-ismailov"),
            new("position", FilterKind.Choice, "s.position IN @position",
                "Only stances with this position. Repeat for several. " + Vocabulary.Positions.Definitions, "opposes", Vocabulary.Positions.Values),
            new("outlet", FilterKind.Id, "s.article_id IN (SELECT x.id FROM articles x WHERE x.outlet_id IN @outlet)",
                "Only stances in articles published by this outlet (an outlet id). Repeat for several.", "georgia-today"),
            new("voiceKind", FilterKind.Choice, "s.author_id IN (SELECT v.id FROM authors v WHERE v.kind IN @voiceKind)",
                "Only stances held by voices of this kind. Repeat for several. " + Vocabulary.VoiceKinds.Definitions, "institution", Vocabulary.VoiceKinds.Values),
            new("attribution", FilterKind.Choice, "s.attribution_kind IN @attribution",
                "Only stances whose words reach us this way. Repeat for several. " + Vocabulary.AttributionKinds.Definitions, "reported", Vocabulary.AttributionKinds.Values),
            new("via", FilterKind.Id, "s.attribution_via IN @via",
                "Only quoted or reported stances relayed by this voice (an author id): whose words a voice passes on. Repeat for several.", "aslan-ismailov"),
            // As for publication dates: a stance matches only when the whole period it was held in lies in the range.
            new("heldFrom", FilterKind.Date, "s.held_key >= @heldFrom",
                "Only positions certainly held on or after this date (yyyy-MM-dd). A month- or year-precise time matches when its whole period is in range; unknown times never match.", "2025-01-01"),
            new("heldTo", FilterKind.Date, "s.held_key <= @heldTo AND s.held_end <= @heldTo",
                "Only positions certainly held on or before this date (yyyy-MM-dd), inclusive. A month- or year-precise time matches when its whole period is in range; unknown times never match.", "2025-12-31"),
            new("method", FilterKind.Choice, "s.method IN @method",
                "Only stances read this way. Repeat for several. " + Vocabulary.Methods.Definitions, "curated", Vocabulary.Methods.Values),
            new("curator", FilterKind.Id, "s.curator IN @curator",
                "Only stances read by this curator (a curator key's name, or seed-corpus). Repeat for several.", "seed-corpus"),
            new("confidence", FilterKind.Choice, "s.confidence IN @confidence",
                "Only stances read with this confidence. Repeat for several. " + Vocabulary.Confidences.Definitions, "medium", Vocabulary.Confidences.Values),
            new("conditional", FilterKind.Choice, "s.conditional IN @conditional",
                "true: only conditional positions (with a condition); false: only unconditional ones.", "false", ["true", "false"]),
            new("q", FilterKind.Search, "stances_fts MATCH @q", ArticleQueries.SearchDescription("stance quotes"), "diaspora")
            {
                Join = "JOIN stances_fts ON stances_fts.rowid = s.rowid",
                Probe = "EXISTS (SELECT 1 FROM stances_fts WHERE stances_fts MATCH @q AND stances_fts.rowid = s.rowid)",
                SearchTables = ["stances_fts"],
            },
        ],
        Sorts:
        [
            new("id", "s.id", "By id."),
            new("held", "s.held_key", "By when the position was held (the start of its period); unknown times sort first ascending, last descending."),
            Sort.Relevance("stances_fts", "s.rowid", "the quote"),
        ],
        DefaultSort: "id")
    {
        DefaultSortWithSearch = "relevance",
        CountSource = "stances s",
        RowKey = "s.rowid",
        Facets =
        [
            new("position", "s.position", null, "Stances per position.")
            {
                // The tallies keep one column per position, named as the vocabulary names them (not from a request).
                Tally = string.Join(" UNION ALL ", Vocabulary.Positions.Values.Select(position =>
                    $"SELECT '{position}' AS value, {position} AS count FROM topic_tallies " +
                    $"WHERE topic_id = @__topic AND dimension = 'all' AND group_key = '' AND {position} > 0")),
            },
            new("topic", "s.topic_id", "(SELECT t.title FROM topics t WHERE t.id = listed.value)", "Stances per topic."),
            new("author", "s.author_id", AuthorName, "Stances per voice (null: a stance written before schema 7 for an unsigned article's unnamed editorial voice).")
            {
                Tally = TallyGroups("author"), TallyOrder = TallyGroupsOrder,
            },
            new("voiceKind", "au.kind", null, "Stances per kind of voice holding them (null: no voice named).") { Join = "LEFT JOIN authors au ON au.id = s.author_id" },
            new("attribution", "s.attribution_kind", null, "Stances per way their words reach us (null: not recorded)."),
            new("heldYear", "substr(s.held_date, 1, 4)", null, "Stances per year the position was held (null: unknown). Positions from different years differ in time, not in perspective."),
            new("outlet", "a.outlet_id", ArticleQueries.OutletName, "Stances per outlet of their article (null: outlet unknown).")
            {
                Join = ArticleJoin, Tally = TallyGroups("outlet"), TallyOrder = TallyGroupsOrder,
            },
            new("article", "s.article_id", "(SELECT a.title FROM articles a WHERE a.id = listed.value)", "Stances per article."),
            new("year", "substr(a.published_date, 1, 4)", null, "Stances per year their article was published (null: date unknown).") { Join = ArticleJoin },
            new("method", "s.method", null, "Stances per way they were read (null: not recorded)."),
            new("curator", "s.curator", null, "Stances per curator who read them (null: not recorded)."),
            new("confidence", "s.confidence", null, "Stances per confidence of their reading (null: not stated)."),
        ],
    };

    private const string ArticleJoin = "JOIN articles a ON a.id = s.article_id";

    /// <summary>The order of ix_topic_tallies_rank within a dimension, which is the facet's: '' (the unknown value, null
    /// in the facet) sorts before every other key, as null does in the facet's order.</summary>
    private const string TallyGroupsOrder = "total DESC, group_key";

    /// <summary>A topic's tallied groups of one dimension as facet rows: '' is the tallies' key for an unknown author or outlet.</summary>
    private static string TallyGroups(string dimension) =>
        $"SELECT NULLIF(group_key, '') AS value, total AS count FROM topic_tallies WHERE topic_id = @__topic AND dimension = '{dimension}' AND total > 0";

    /// <summary>A facet value's label when it is an author id.</summary>
    private const string AuthorName = "(SELECT au.name FROM authors au WHERE au.id = listed.value)";

    public static readonly Collection OfTopic = Collection.Under("topic", "topic", "topics");
    public static readonly Collection OfArticle = Collection.Under("article", "article", "articles");
    public static readonly Collection OfAuthor = Collection.Under("author", "author", "authors");

    public sealed class Row : IPageRow
    {
        public string Id { get; init; } = "";
        public object SortKey { get; init; } = "";
        public object PageId { get; init; } = "";
        public string Position { get; init; } = "";
        public string? Condition { get; init; }
        public string Quote { get; init; } = "";
        public long QuoteStart { get; init; }
        public long QuoteEnd { get; init; }
        public string Summary { get; init; } = "";
        public string TopicId { get; init; } = "";
        public string TopicTitle { get; init; } = "";
        public string? AuthorId { get; init; }
        public string? AuthorName { get; init; }
        public string? AuthorKind { get; init; }
        public string? AttributionKind { get; init; }
        public string? AttributionVia { get; init; }
        public string? ViaName { get; init; }
        public string? ViaKind { get; init; }
        public string? HeldDate { get; init; }
        public string? HeldPrecision { get; init; }
        public string? HeldReasoning { get; init; }
        public string? Method { get; init; }
        public string? Curator { get; init; }
        public string? Confidence { get; init; }
        public string? Note { get; init; }
        public string ArticleId { get; init; } = "";
        public string ArticleTitle { get; init; } = "";
        public string? OutletId { get; init; }
        public string? OutletName { get; init; }
        public string? PublishedDate { get; init; }
        public string? PublishedPrecision { get; init; }
        public long? PublishedInferred { get; init; }
        public string? PublishedReasoning { get; init; }

        public Stance ToStance() => new(
            Id, new TopicRef(TopicId, TopicTitle),
            new StanceArticle(ArticleId, ArticleTitle, OutletRef.From(OutletId, OutletName),
                Published.From(PublishedDate, PublishedPrecision, PublishedInferred, PublishedReasoning)),
            AuthorRef.From(AuthorId, AuthorName, AuthorKind),
            Attribution.From(AttributionKind, AttributionVia, ViaName, ViaKind),
            HeldAt.From(HeldDate, HeldPrecision, HeldReasoning),
            Position, Condition, new Quote(Quote, (int)QuoteStart, (int)QuoteEnd), Summary, Method, Curator, Confidence, Note);
    }

    public static Task<IReadOnlyList<Stance>> ItemsAsync(DbConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Stance>>(rows.Select(r => r.ToStance()).ToList());

    public static async Task<Stance?> FindAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Collection.FindByIdSql, new { id }, cancellationToken: cancellationToken));
        return row?.ToStance();
    }
}
