using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Articles;
using PerspectivesApi.Http;

namespace PerspectivesApi.Search;

public static class SearchQueries
{
    // Both indexes answer the same query; the union is ordered by bm25 rank, then by a key that
    // makes every hit unique ("article:x", "stance:y") so that keyset paging is total. A page's union
    // carries no snippet: a snippet is the costly part of a hit (it weighs every matched term against
    // every other), and whether SQLite would compute one only for the rows a page returns is its
    // optimizer's choice; so a page's snippets are made afterwards, for its rows only (SnippetsAsync).
    // An export highlights every row, in the one pass it makes over them.
    private const string Columns = "h.kind, h.id, h.title, h.rank, h.article_id, h.article_title, h.key, h.fts_rowid";

    private static string Hits(bool snippets) => $"""
        (SELECT 'article' AS kind, a.id AS id, a.title AS title, articles_fts.rank AS rank,
                a.id AS article_id, a.title AS article_title, 'article:' || a.id AS key, articles_fts.rowid AS fts_rowid
                {(snippets ? $", snippet(articles_fts, -1, {SearchSnippet.OpenSql}, {SearchSnippet.CloseSql}, '…', 24) AS snippet" : "")}
         FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
         WHERE articles_fts MATCH @q
         UNION ALL
         SELECT 'stance', s.id, t.title, stances_fts.rank, a.id, a.title, 'stance:' || s.id, stances_fts.rowid
                {(snippets ? $", snippet(stances_fts, 0, {SearchSnippet.OpenSql}, {SearchSnippet.CloseSql}, '…', 24)" : "")}
         FROM stances_fts JOIN stances s ON s.rowid = stances_fts.rowid
         JOIN topics t ON t.id = s.topic_id JOIN articles a ON a.id = s.article_id
         WHERE stances_fts MATCH @q) h
        """;

    public static readonly Collection Collection = new(
        Name: "search results",
        Columns: Columns,
        From: Hits(snippets: false),
        IdColumn: "h.key",
        Filters:
        [
            new("q", FilterKind.Search, "", ArticleQueries.SearchDescription("article titles and bodies and the stance quotes") + " Without q nothing is searched, and the page is empty.", "\"point of no return\"")
            {
                SearchTables = ["articles_fts", "stances_fts"],
            },
            new("kind", FilterKind.Choice, "h.kind IN @kind", "Only hits of this kind. Repeat for both (the default).", "stance", ["article", "stance"]),
        ],
        Sorts: [new("relevance", "h.rank", "By bm25 rank, best first.")],
        DefaultSort: "relevance")
    {
        Facets = [new("kind", "h.kind", null, "Hits per kind: article or stance.")],
        TwoPhase = false,
        Export = (Columns + ", h.snippet", Hits(snippets: true)),
        EmptyWithout = "q",
    };

    public sealed class Row : IPageRow
    {
        public string Kind { get; init; } = "";
        public string Id { get; init; } = "";
        public string Title { get; init; } = "";
        public double Rank { get; init; }
        public string ArticleId { get; init; } = "";
        public string ArticleTitle { get; init; } = "";
        public string Key { get; init; } = "";
        public long FtsRowid { get; init; }

        /// <summary>Read with the row by an export; made afterwards for a page.</summary>
        public string? Snippet { get; init; }
        public object SortKey { get; init; } = 0.0;
        public object PageId { get; init; } = "";
    }

    /// <summary>The hits of a page (or an export's batch), with the snippets of its rows.</summary>
    public static async Task<IReadOnlyList<SearchHit>> HitsAsync(SqliteConnection connection, string query, IReadOnlyList<Row> rows, CancellationToken cancellationToken)
    {
        var snippets = await SnippetsAsync(connection, query, rows, cancellationToken);
        return rows.Select((r, i) => new SearchHit(
            r.Kind, r.Id, r.Title, $"/v1/{r.Kind}s/{r.Id}", r.Rank, SearchSnippet.Marked(snippets[i]), new HitArticle(r.ArticleId, r.ArticleTitle))).ToList();
    }

    /// <summary>Each row's snippet, with <see cref="SearchSnippet"/>'s markers around the matched terms: the export's
    /// own, or made now for a page's rows.</summary>
    public static async Task<IReadOnlyList<string>> SnippetsAsync(SqliteConnection connection, string query, IReadOnlyList<Row> rows, CancellationToken cancellationToken)
    {
        var unlit = rows.Where(r => r.Snippet is null).ToList();
        var articles = await SnippetsAsync(connection, "articles_fts", "-1", query, unlit.Where(r => r.Kind == "article"), cancellationToken);
        var stances = await SnippetsAsync(connection, "stances_fts", "0", query, unlit.Where(r => r.Kind == "stance"), cancellationToken);
        // A row deleted between the two reads has no snippet left to show.
        return rows.Select(r => r.Snippet ?? (r.Kind == "article" ? articles : stances).GetValueOrDefault(r.FtsRowid, "")).ToList();
    }

    /// <summary>Snippets of the given rows of one index. snippet() needs the query's match, so the
    /// query runs again, restricted to those rows: only they are highlighted. The rowids are a filter
    /// (<c>+rowid</c>), not a lookup per rowid: FTS5 would start the query afresh for each, expanding every
    /// prefix* each time (20 times the cost of the page); one pass over the match, within the rows' range,
    /// costs at most what ranking the page did.</summary>
    private static async Task<IReadOnlyDictionary<long, string>> SnippetsAsync(
        SqliteConnection connection, string index, string column, string query, IEnumerable<Row> rows, CancellationToken cancellationToken)
    {
        var rowids = rows.Select(r => r.FtsRowid).ToArray();
        if (rowids.Length == 0) return new Dictionary<long, string>();
        // The index and column come from the code above, never from the request.
        var snippets = await connection.QueryAsync<(long Rowid, string Snippet)>(new CommandDefinition(
            $"SELECT rowid, snippet({index}, {column}, {SearchSnippet.OpenSql}, {SearchSnippet.CloseSql}, '…', 24) FROM {index} " +
            $"WHERE {index} MATCH @query AND rowid BETWEEN @first AND @last AND +rowid IN @rowids",
            new { query, first = rowids.Min(), last = rowids.Max(), rowids }, cancellationToken: cancellationToken));
        return snippets.ToDictionary(s => s.Rowid, s => s.Snippet);
    }
}
