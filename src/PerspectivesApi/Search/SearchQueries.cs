using Microsoft.Data.Sqlite;
using PerspectivesApi.Articles;
using PerspectivesApi.Http;

namespace PerspectivesApi.Search;

public static class SearchQueries
{
    // Both indexes answer the same query; the union is ordered by bm25 rank, then by a key that
    // makes every hit unique ("article:x", "stance:y") so that keyset paging is total.
    public static readonly Collection Collection = new(
        Name: "search results",
        Columns: "h.kind, h.id, h.title, h.rank, h.snippet, h.article_id, h.article_title, h.key",
        From: $"""
            (SELECT 'article' AS kind, a.id AS id, a.title AS title, articles_fts.rank AS rank,
                    snippet(articles_fts, -1, {SearchSnippet.OpenSql}, {SearchSnippet.CloseSql}, '…', 24) AS snippet,
                    a.id AS article_id, a.title AS article_title, 'article:' || a.id AS key
             FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
             WHERE articles_fts MATCH @q
             UNION ALL
             SELECT 'stance', s.id, t.title, stances_fts.rank,
                    snippet(stances_fts, 0, {SearchSnippet.OpenSql}, {SearchSnippet.CloseSql}, '…', 24),
                    a.id, a.title, 'stance:' || s.id
             FROM stances_fts JOIN stances s ON s.rowid = stances_fts.rowid
             JOIN topics t ON t.id = s.topic_id JOIN articles a ON a.id = s.article_id
             WHERE stances_fts MATCH @q) h
            """,
        IdColumn: "h.key",
        Filters:
        [
            new("q", FilterKind.Search, "", ArticleQueries.SearchDescription("article titles and bodies and the stance quotes") + " Required here.", "\"point of no return\"")
            {
                SearchTables = ["articles_fts", "stances_fts"],
                Required = true,
            },
            new("kind", FilterKind.Choice, "h.kind IN @kind", "Only hits of this kind. Repeat for both (the default).", "stance", ["article", "stance"]),
        ],
        Sorts: [new("relevance", "h.rank", "By bm25 rank, best first.")],
        DefaultSort: "relevance")
    {
        Facets = [new("kind", "h.kind", null, "Hits per kind: article or stance.")],
        TwoPhase = false,
    };

    public sealed class Row : IPageRow
    {
        public string Kind { get; init; } = "";
        public string Id { get; init; } = "";
        public string Title { get; init; } = "";
        public double Rank { get; init; }
        /// <summary>With <see cref="SearchSnippet"/>'s markers around the matched terms.</summary>
        public string Snippet { get; init; } = "";
        public string ArticleId { get; init; } = "";
        public string ArticleTitle { get; init; } = "";
        public string Key { get; init; } = "";
        public object SortKey { get; init; } = 0.0;
        public object PageId { get; init; } = "";
    }

    public static Task<IReadOnlyList<SearchHit>> HitsAsync(SqliteConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SearchHit>>(rows.Select(r => new SearchHit(
            r.Kind, r.Id, r.Title, $"/v1/{r.Kind}s/{r.Id}", r.Rank, SearchSnippet.Marked(r.Snippet), new HitArticle(r.ArticleId, r.ArticleTitle))).ToList());
}
