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
            s.id, s.position, s.quote, s.quote_start, s.quote_end, s.summary,
            s.topic_id, t.title AS topic_title, s.author_id, au.name AS author_name,
            s.article_id, a.title AS article_title, a.outlet_id, o.name AS outlet_name,
            a.published_date, a.published_precision, a.published_inferred, a.published_reasoning
            """,
        From: """
            stances s
            JOIN topics t ON t.id = s.topic_id
            JOIN articles a ON a.id = s.article_id
            LEFT JOIN outlets o ON o.id = a.outlet_id
            LEFT JOIN authors au ON au.id = s.author_id
            """,
        IdColumn: "s.id",
        Filters:
        [
            new("topic", FilterKind.Id, "s.topic_id IN @topic", "Only stances on this topic (a topic id). Repeat for several.", "baku-moscow-rift-is-permanent"),
            new("article", FilterKind.Id, "s.article_id IN @article", "Only stances recorded in this article (an article id). Repeat for several.", "point-of-no-return-aslan-ismailov"),
            new("author", FilterKind.Id, "s.author_id IN @author", "Only stances held by this voice (an author id). Repeat for several.", "aslan-ismailov"),
            new("position", FilterKind.Choice, "s.position IN @position", "Only stances with this position. Repeat for several.", "opposes", CorpusImport.Positions),
            new("outlet", FilterKind.Id, "s.article_id IN (SELECT x.id FROM articles x WHERE x.outlet_id IN @outlet)",
                "Only stances in articles published by this outlet (an outlet id). Repeat for several.", "georgia-today"),
            new("q", FilterKind.Search, "stances_fts MATCH @q", ArticleQueries.SearchDescription("stance quotes"), "diaspora")
            {
                Join = "JOIN stances_fts ON stances_fts.rowid = s.rowid",
                SearchTables = ["stances_fts"],
            },
        ],
        Sorts:
        [
            new("id", "s.id", "By id."),
            new("relevance", "stances_fts.rank", "By how well the quote matches q (bm25), best first; only with q, and the default then.")
            {
                Requires = "q", TieBreak = "stances_fts.rowid", Source = "stances_fts", SourceMatch = "s.rowid",
            },
        ],
        DefaultSort: "id")
    {
        DefaultSortWithSearch = "relevance",
        Facets =
        [
            new("position", "s.position", null, "Stances per position."),
            new("topic", "s.topic_id", "t.title", "Stances per topic."),
            new("author", "s.author_id", "au.name", "Stances per voice (null: the unsigned editorial voice)."),
            new("outlet", "a.outlet_id", "o.name", "Stances per outlet of their article (null: outlet unknown)."),
            new("article", "s.article_id", "a.title", "Stances per article."),
            new("year", "substr(a.published_date, 1, 4)", null, "Stances per year their article was published (null: date unknown)."),
        ],
    };

    public static readonly Collection OfTopic = Collection.Under("topic", "topic", "topics");
    public static readonly Collection OfArticle = Collection.Under("article", "article", "articles");
    public static readonly Collection OfAuthor = Collection.Under("author", "author", "authors");

    public sealed class Row : IPageRow
    {
        public string Id { get; init; } = "";
        public object SortKey { get; init; } = "";
        public object PageId { get; init; } = "";
        public string Position { get; init; } = "";
        public string Quote { get; init; } = "";
        public long QuoteStart { get; init; }
        public long QuoteEnd { get; init; }
        public string Summary { get; init; } = "";
        public string TopicId { get; init; } = "";
        public string TopicTitle { get; init; } = "";
        public string? AuthorId { get; init; }
        public string? AuthorName { get; init; }
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
            AuthorRef.From(AuthorId, AuthorName), Position, new Quote(Quote, (int)QuoteStart, (int)QuoteEnd), Summary);
    }

    public static Task<IReadOnlyList<Stance>> ItemsAsync(SqliteConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Stance>>(rows.Select(r => r.ToStance()).ToList());

    public static async Task<Stance?> FindAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Collection.FindByIdSql, new { id }, cancellationToken: cancellationToken));
        return row?.ToStance();
    }
}
