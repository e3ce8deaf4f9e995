using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using PerspectivesApi.Stances;

namespace PerspectivesApi.Articles;

public static class ArticleQueries
{
    public static readonly Collection Collection = new(
        Name: "articles",
        Columns: """
            a.id, a.title, a.genre, a.language, a.outlet_id, o.name AS outlet_name, a.url,
            a.published_date, a.published_precision, a.published_inferred, a.published_reasoning, a.excerpt,
            a.stance_count
            """,
        From: "articles a LEFT JOIN outlets o ON o.id = a.outlet_id",
        IdColumn: "a.id",
        Filters:
        [
            new("outlet", FilterKind.Id, "a.outlet_id IN @outlet", "Only articles published by this outlet (an outlet id). Repeat for several.", "georgia-today"),
            new("author", FilterKind.Id, "a.id IN (SELECT c.article_id FROM credits c WHERE c.author_id IN @author)",
                "Only articles crediting this voice in any role (an author id). Repeat for several.", "aslan-ismailov"),
            new("topic", FilterKind.Id, "a.id IN (SELECT s.article_id FROM stances s WHERE s.topic_id IN @topic)",
                "Only articles holding a stance on this topic (a topic id). Repeat for several.", "baku-moscow-rift-is-permanent"),
            new("language", FilterKind.Language, "a.language IN @language", "Only articles in this language (BCP 47 tag). Repeat for several.", "en"),
            new("genre", FilterKind.Choice, "a.genre IN @genre", "Only articles of this genre. Repeat for several. " + Vocabulary.Genres.Definitions, "interview", Vocabulary.Genres.Values),
            // An article matches a date range only when its whole publication period lies inside it:
            // a piece known only to be from July 2025 is not claimed for 2025-07-10..2025-07-20.
            new("from", FilterKind.Date, "a.published_key >= @from",
                "Only articles certainly published on or after this date (yyyy-MM-dd). A month- or year-precise date matches when its whole period is in range; unknown dates never match.", "2025-07-01"),
            new("to", FilterKind.Date, "a.published_key <= @to AND a.published_end <= @to",
                "Only articles certainly published on or before this date (yyyy-MM-dd), inclusive. A month- or year-precise date matches when its whole period is in range; unknown dates never match.", "2025-07-31"),
            new("q", FilterKind.Search, "articles_fts MATCH @q", SearchDescription("title and body"), "Yekaterinburg")
            {
                Join = "JOIN articles_fts ON articles_fts.rowid = a.rowid",
                Probe = "EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH @q AND articles_fts.rowid = a.rowid)",
                SearchTables = ["articles_fts"],
            },
        ],
        Sorts:
        [
            new("published", "a.published_key", "By publication date (the start of its period); unknown dates sort first ascending, last descending."),
            new("title", "a.title", "By title (binary order)."),
            new("id", "a.id", "By id."),
            Sort.Relevance("articles_fts", "a.rowid", "the article"),
        ],
        DefaultSort: "-published")
    {
        DefaultSortWithSearch = "relevance",
        CountSource = "articles a",
        RowKey = "a.rowid",
        Facets =
        [
            new("outlet", "a.outlet_id", OutletName, "Articles per outlet (null: outlet unknown)."),
            new("author", "fc.author_id", "(SELECT fa.name FROM authors fa WHERE fa.id = listed.value)", "Articles per credited voice, in any role.")
            {
                Join = "JOIN credits fc ON fc.article_id = a.id",
                Count = "count(DISTINCT a.id)",
            },
            new("topic", "fs.topic_id", "(SELECT ft.title FROM topics ft WHERE ft.id = listed.value)", "Articles per topic they hold a stance on.")
            {
                Join = "JOIN stances fs ON fs.article_id = a.id",
                Count = "count(DISTINCT a.id)",
            },
            new("language", "a.language", null, "Articles per language."),
            new("genre", "a.genre", null, "Articles per genre."),
            new("year", "substr(a.published_date, 1, 4)", null, "Articles per year of publication (null: date unknown)."),
        ],
    };

    /// <summary>A facet value's label when it is an outlet id.</summary>
    public const string OutletName = "(SELECT o.name FROM outlets o WHERE o.id = listed.value)";

    /// <summary>How every full-text parameter is described.</summary>
    public static string SearchDescription(string what, bool boundedRelevance = true) =>
        $"Full-text search over the {what} (SQLite FTS5, or PostgreSQL's full text on a PostgreSQL archive; case- and accent-insensitive, English stemming). " +
        "Words must all match (AND); also \"exact phrases\", OR, NOT, parentheses and prefix* queries, in FTS5's syntax on both. " +
        "A query FTS5 cannot parse is a 400 naming q. " + SearchLimits.Description + " With q, the default sort is relevance." + (boundedRelevance ? " " + Sort.RelevanceBound : "");

    public static readonly Collection OfOutlet = Collection.Under("outlet", "outlet", "outlets");
    public static readonly Collection OfAuthor = Collection.Under("author", "author", "authors");

    public sealed class Row : IPageRow
    {
        public string Id { get; init; } = "";
        public object SortKey { get; init; } = "";
        public object PageId { get; init; } = "";
        public string Title { get; init; } = "";
        public string Genre { get; init; } = "";
        public string Language { get; init; } = "";
        public string? OutletId { get; init; }
        public string? OutletName { get; init; }
        public string? Url { get; init; }
        public string? PublishedDate { get; init; }
        public string? PublishedPrecision { get; init; }
        public long? PublishedInferred { get; init; }
        public string? PublishedReasoning { get; init; }
        public string Excerpt { get; init; } = "";
        public long StanceCount { get; init; }
    }

    /// <summary>An article's stored columns, as both GET and the write API read them.</summary>
    internal sealed class DetailRow
    {
        public string Id { get; init; } = "";
        public string Title { get; init; } = "";
        public string Genre { get; init; } = "";
        public string Language { get; init; } = "";
        public string? OutletId { get; init; }
        public string? OutletName { get; init; }
        public string? Url { get; init; }
        public string? PublishedDate { get; init; }
        public string? PublishedPrecision { get; init; }
        public long? PublishedInferred { get; init; }
        public string? PublishedReasoning { get; init; }
        public string? RepublishedFromOutletId { get; init; }
        public string? RepublishedFromOutletName { get; init; }
        public string? RepublishedFromUrl { get; init; }
        public string? RepublishedNote { get; init; }
        public string? RepublishedFromDate { get; init; }
        public string? RepublishedFromPrecision { get; init; }
        public long? RepublishedFromInferred { get; init; }
        public string? RepublishedFromReasoning { get; init; }
        public string? SourceFile { get; init; }
        public string? SourceSha256 { get; init; }
        public string CaptureNotes { get; init; } = "[]";
        public string Body { get; init; } = "";
    }

    private sealed class CreditRow
    {
        public string ArticleId { get; init; } = "";
        public string AuthorId { get; init; } = "";
        public string AuthorName { get; init; } = "";
        public string AuthorKind { get; init; } = "";
        public string Role { get; init; } = "";
        public long Ordinal { get; init; }
    }

    private sealed class StanceRow
    {
        public string Id { get; init; } = "";
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
        public string Position { get; init; } = "";
        public string? Condition { get; init; }
        public string Quote { get; init; } = "";
        public long QuoteStart { get; init; }
        public long QuoteEnd { get; init; }
        public string Summary { get; init; } = "";
        public string? Confidence { get; init; }
        public string? Note { get; init; }
    }

    public static async Task<IReadOnlyList<ArticleSummary>> SummariesAsync(DbConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken)
    {
        var credits = await CreditsAsync(connection, rows.Select(r => r.Id).ToArray(), cancellationToken);
        return rows.Select(r => new ArticleSummary(
            r.Id, r.Title, r.Genre, r.Language, OutletRef.From(r.OutletId, r.OutletName),
            Published.From(r.PublishedDate, r.PublishedPrecision, r.PublishedInferred, r.PublishedReasoning),
            r.Url, credits[r.Id].ToList(), r.StanceCount, r.Excerpt)).ToList();
    }

    internal static Task<DetailRow?> RowAsync(DbConnection connection, string id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<DetailRow>(new CommandDefinition("""
            SELECT a.id, a.title, a.genre, a.language, a.outlet_id, o.name AS outlet_name, a.url,
                   a.published_date, a.published_precision, a.published_inferred, a.published_reasoning,
                   a.republished_from_outlet_id, r.name AS republished_from_outlet_name, a.republished_from_url, a.republished_note,
                   a.republished_from_date, a.republished_from_precision, a.republished_from_inferred, a.republished_from_reasoning,
                   a.source_file, a.source_sha256, a.capture_notes, a.body
            FROM articles a
            LEFT JOIN outlets o ON o.id = a.outlet_id
            LEFT JOIN outlets r ON r.id = a.republished_from_outlet_id
            WHERE a.id = @id
            """, new { id }, cancellationToken: cancellationToken));

    public static async Task<ArticleDetail?> FindAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        var row = await RowAsync(connection, id, cancellationToken);
        if (row is null) return null;

        var credits = await CreditsAsync(connection, [id], cancellationToken);
        var stances = await connection.QueryAsync<StanceRow>(new CommandDefinition("""
            SELECT s.id, s.topic_id, t.title AS topic_title, s.author_id, au.name AS author_name, au.kind AS author_kind,
                   s.attribution_kind, s.attribution_via, via.name AS via_name, via.kind AS via_kind,
                   s.held_date, s.held_precision, s.held_reasoning,
                   s.position, s.condition, s.quote, s.quote_start, s.quote_end, s.summary, s.confidence, s.note
            FROM stances s
            JOIN topics t ON t.id = s.topic_id
            LEFT JOIN authors au ON au.id = s.author_id
            LEFT JOIN authors via ON via.id = s.attribution_via
            WHERE s.article_id = @id
            ORDER BY s.id
            """, new { id }, cancellationToken: cancellationToken));

        return new ArticleDetail(
            row.Id, row.Title, row.Genre, row.Language, OutletRef.From(row.OutletId, row.OutletName),
            Published.From(row.PublishedDate, row.PublishedPrecision, row.PublishedInferred, row.PublishedReasoning),
            row.Url, credits[id].ToList(),
            row.RepublishedFromOutletId is null && row.RepublishedFromUrl is null && row.RepublishedNote is null && row.RepublishedFromDate is null
                ? null
                : new Republication(OutletRef.From(row.RepublishedFromOutletId, row.RepublishedFromOutletName), row.RepublishedFromUrl, row.RepublishedNote,
                    Published.From(row.RepublishedFromDate, row.RepublishedFromPrecision, row.RepublishedFromInferred, row.RepublishedFromReasoning)),
            row.SourceFile is null && row.SourceSha256 is null ? null : new Provenance(row.SourceFile, row.SourceSha256),
            row.Body,
            CaptureNotes(row.CaptureNotes).Select(n => new CaptureNote(n.Kind, n.Start ?? 0, n.End ?? 0, n.Text, n.Note)).ToList(),
            stances.Select(s => new ArticleStance(
                s.Id, new TopicRef(s.TopicId, s.TopicTitle), AuthorRef.From(s.AuthorId, s.AuthorName, s.AuthorKind),
                Attribution.From(s.AttributionKind, s.AttributionVia, s.ViaName, s.ViaKind), HeldAt.From(s.HeldDate, s.HeldPrecision, s.HeldReasoning),
                s.Position, s.Condition, new Quote(s.Quote, (int)s.QuoteStart, (int)s.QuoteEnd), s.Summary, s.Confidence, s.Note)).ToList());
    }

    /// <summary>An article's capture notes, as stored (a JSON array).</summary>
    internal static List<CaptureNoteEntry> CaptureNotes(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<List<CaptureNoteEntry>>(json, Curation.History.Json) ?? [];

    public static async Task<bool> ExistsAsync(DbConnection connection, string id, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM articles WHERE id = @id", new { id }, cancellationToken: cancellationToken)) > 0;

    private static async Task<ILookup<string, Credit>> CreditsAsync(DbConnection connection, string[] articleIds, CancellationToken cancellationToken)
    {
        // In credit order here, not with ORDER BY: the rows come in key order (article, author, role), and
        // SQLite's sorter for the page's forty-odd credits cost a third of the statement (bench/PERF.md).
        var rows = await connection.QueryAsync<CreditRow>(new CommandDefinition("""
            SELECT c.article_id, c.author_id, au.name AS author_name, au.kind AS author_kind, c.role, c.ordinal
            FROM credits c JOIN authors au ON au.id = c.author_id
            WHERE c.article_id IN @articleIds
            """, new { articleIds }, cancellationToken: cancellationToken));
        // An ordinal is the credit's place in its article's list as written (ArticleWrites), so it is unique per article.
        return rows.OrderBy(r => r.Ordinal).ToLookup(r => r.ArticleId, r => new Credit(new AuthorRef(r.AuthorId, r.AuthorName, r.AuthorKind), r.Role));
    }
}
