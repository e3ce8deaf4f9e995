using PerspectivesApi.Articles;
using PerspectivesApi.Authors;
using PerspectivesApi.Http;
using PerspectivesApi.Outlets;
using PerspectivesApi.Search;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Explorer;

// What each page shows, read by the handlers in ExplorerEndpoints through the API's own queries.

/// <summary>An API request a page was made from, for the reader to fetch as data.</summary>
/// <param name="What">What it holds, in a few words ("this page of stances").</param>
/// <param name="Json">The JSON the page shows.</param>
/// <param name="Csv">The whole filtered collection as CSV, for a list; null for a single document.</param>
public sealed record DataLink(string What, string Json, string? Csv = null);

/// <summary>Where a listing goes on: the next page and, on a later page, the first.</summary>
public sealed record Pager(string? Next, string? First);

/// <summary>A topic with where its stances stand.</summary>
public sealed record TopicCard(Topic Topic, PositionCounts Positions);

public sealed record HomeModel(IReadOnlyList<TopicCard> Topics, string? MoreTopics, IReadOnlyList<ArticleSummary> Latest, IReadOnlyList<DataLink> Data);

public sealed record TopicsModel(IReadOnlyList<TopicCard> Topics, Pager Pager, IReadOnlyList<DataLink> Data);

/// <summary>One value a listing can be narrowed to, as a link.</summary>
/// <param name="Count">How many of the topic's stances have it (over the whole topic, whatever the other filters); null for "all".</param>
public sealed record FilterOption(string Label, string Href, bool Current, long? Count = null);

/// <summary>The values of one filter, the first of them "all".</summary>
public sealed record FilterGroup(string Name, IReadOnlyList<FilterOption> Options, string? Remark = null);

public sealed record TopicModel(
    Topic Topic, TopicSummary Summary, IReadOnlyList<StanceView> Stances, bool Filtered, IReadOnlyList<FilterGroup> Filters,
    TimelineDrawing Timeline, Pager Pager, IReadOnlyList<DataLink> Data);

public sealed record ArticleModel(ArticleDetail Article, IReadOnlyList<BodyParagraph> Body, IReadOnlyList<StanceView> Stances, IReadOnlyList<DataLink> Data);

public sealed record AuthorModel(Author Author, IReadOnlyList<StanceView> Stances, Pager Pager, IReadOnlyList<DataLink> Data);

public sealed record OutletModel(Outlet Outlet, IReadOnlyList<ArticleSummary> Articles, Pager Pager, IReadOnlyList<DataLink> Data);

/// <summary>A search hit as the page shows it: the snippet in pieces, so that only the matched terms are marked.</summary>
public sealed record SearchResult(string Kind, string Id, string Title, string ArticleId, string ArticleTitle, IReadOnlyList<SnippetPiece> Snippet)
{
    public string Href => Kind == "stance" ? ExplorerPaths.Quote(ArticleId, Id) : ExplorerPaths.Article(Id);

    /// <summary>The same rows the API's search reads, kept in pieces instead of marked up.</summary>
    public static Func<Microsoft.Data.Sqlite.SqliteConnection, IReadOnlyList<SearchQueries.Row>, CancellationToken, Task<IReadOnlyList<SearchResult>>> FromRows(string query) =>
        async (connection, rows, cancellationToken) =>
        {
            var snippets = await SearchQueries.SnippetsAsync(connection, query, rows, cancellationToken);
            return rows.Select((r, i) => new SearchResult(r.Kind, r.Id, r.Title, r.ArticleId, r.ArticleTitle, SearchSnippet.Pieces(snippets[i]))).ToList();
        };
}

/// <param name="Query">The search as typed; null before a search.</param>
/// <param name="Kinds">The kind filter's links: all hits, articles only, quotes only.</param>
public sealed record SearchModel(string? Query, IReadOnlyList<FilterOption> Kinds, IReadOnlyList<SearchResult> Results, Pager Pager, IReadOnlyList<DataLink> Data);

/// <summary>A stance as its card shows it, from a list of stances or from inside its article.</summary>
public sealed record StanceView(
    string Id, TopicRef Topic, AuthorRef? Voice, Attribution? Attribution, HeldAt? HeldAt, string Position, string? Condition,
    string Quote, string Summary, string? Confidence, string? Note, string ArticleId, string ArticleTitle, OutletRef? Outlet, Published? Published)
{
    public static StanceView From(Stance s) => new(
        s.Id, s.Topic, s.Author, s.Attribution, s.HeldAt, s.Position, s.Condition, s.Quote.Text, s.Summary, s.Confidence, s.Note,
        s.Article.Id, s.Article.Title, s.Article.Outlet, s.Article.Published);

    public static StanceView From(ArticleStance s, ArticleDetail article) => new(
        s.Id, s.Topic, s.Author, s.Attribution, s.HeldAt, s.Position, s.Condition, s.Quote.Text, s.Summary, s.Confidence, s.Note,
        article.Id, article.Title, article.Outlet, article.Published);
}
