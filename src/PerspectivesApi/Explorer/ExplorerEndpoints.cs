using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.FileProviders;
using PerspectivesApi.Articles;
using PerspectivesApi.Authors;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using PerspectivesApi.Outlets;
using PerspectivesApi.Search;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Explorer;

/// <summary>The explorer: read-only pages for people, outside /v1, each made from an API request (its
/// <see cref="ApiSource"/>) through the same readers and queries, then rendered by a Razor component on
/// the server. No script runs in the browser; links and a search form are the whole interface. Problems
/// (a 404, a bad parameter) are the API's own, which <see cref="ProblemWriter"/> answers as HTML here.</summary>
public static class ExplorerEndpoints
{
    /// <summary>Stances listed newest first: what voices hold now, then what they held before.</summary>
    private const string StanceOrder = "-held";

    /// <summary>How many of the latest articles the home page lists.</summary>
    private const int LatestArticles = 10;

    public static IServiceCollection AddExplorer(this IServiceCollection services)
    {
        services.AddRazorComponents();
        return services;
    }

    /// <summary>The stylesheet and the icon, from the assembly: the service finds them wherever it runs from. Only their
    /// own paths reach the static-file middleware, which would otherwise look every API request up among the assembly's
    /// resources (bench/PERF.md).</summary>
    public static IApplicationBuilder UseExplorerFiles(this IApplicationBuilder app)
    {
        var files = new EmbeddedFileProvider(typeof(ExplorerEndpoints).Assembly, "PerspectivesApi.wwwroot");
        var paths = files.GetDirectoryContents("").Select(file => "/" + file.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return app.UseWhen(http => http.Request.Path.Value is { } path && paths.Contains(path), branch => branch.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // Kept, but revalidated (by ETag), like every answer of the archive: a new stylesheet is seen at once.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        }));
    }

    public static void MapExplorer(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/", Home).WithMetadata(new ApiSource("/v1/topics"));
        pages.MapGet("/topics", Topics).WithMetadata(new ApiSource("/v1/topics"));
        pages.MapGet("/topics/{id}", Topic).WithMetadata(new ApiSource("/v1/topics/{id}/stances"));
        pages.MapGet("/articles/{id}", Article).WithMetadata(new ApiSource("/v1/articles/{id}"));
        pages.MapGet("/authors/{id}", Author).WithMetadata(new ApiSource("/v1/authors/{id}/stances"));
        pages.MapGet("/outlets/{id}", Outlet).WithMetadata(new ApiSource("/v1/outlets/{id}/articles"));
        pages.MapGet("/search", Search).WithMetadata(new ApiSource("/v1/search"));
    }

    private static async Task<IResult> Home(HttpContext http, Database database, CollectionReader reader, CancellationToken cancellationToken)
    {
        if (PageQuery.RefuseAll(http.Request.Query) is { } refused) return refused;
        var topics = await reader.ReadAsync<TopicQueries.Row, Topic>(QueryCollection.Empty, [], TopicQueries.Collection, TopicQueries.ItemsAsync, cancellationToken);
        if (topics.Answer is { } topicsProblem) return topicsProblem;
        var latestQuery = new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["limit"] = LatestArticles.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var latest = await reader.ReadAsync<ArticleQueries.Row, ArticleSummary>(latestQuery, [], ArticleQueries.Collection, ArticleQueries.SummariesAsync, cancellationToken);
        if (latest.Answer is { } latestProblem) return latestProblem;

        return Render<HomePage>(http, new HomeModel(
            await CardsAsync(database, topics.Page!.Items, cancellationToken),
            topics.Page.NextCursor is { } next ? QueryHelpers.AddQueryString("/topics", "cursor", next) : null,
            latest.Page!.Items,
            [
                new("the topics", "/v1/topics", "/v1/topics?format=csv"),
                new("every topic's positions", "/v1/topics/summary"),
                new("the latest articles", $"/v1/articles?limit={LatestArticles}", "/v1/articles?format=csv"),
                new("every stance", "/v1/stances", "/v1/stances?format=csv"),
            ]));
    }

    private static async Task<IResult> Topics(HttpContext http, Database database, CollectionReader reader, CancellationToken cancellationToken)
    {
        var source = ApiSource.Of(http)!.PathFor(http.Request.RouteValues);
        if (PageQuery.RefuseListOnly(http.Request.Query, source) is { } refused) return refused;
        var query = PageQuery.From(http.Request.Query);
        var topics = await reader.ReadAsync<TopicQueries.Row, Topic>(query.AsQuery(), [], TopicQueries.Collection, TopicQueries.ItemsAsync, cancellationToken);
        if (topics.Answer is { } problem) return problem;
        var path = http.Request.Path.Value!;
        return Render<TopicsPage>(http, new TopicsModel(
            await CardsAsync(database, topics.Page!.Items, cancellationToken),
            new Pager(query.Next(path, topics.Page.NextCursor), query.First(path)),
            [new("this page of topics", query.Api(source), query.Csv(source)), new("every topic's positions", "/v1/topics/summary")]));
    }

    private static async Task<IResult> Topic(
        string id, HttpContext http, Database database, ResourceReader resources, CollectionReader reader, CancellationToken cancellationToken)
    {
        var source = ApiSource.Of(http)!.PathFor(http.Request.RouteValues);
        if (PageQuery.RefuseListOnly(http.Request.Query, source) is { } refused) return refused;
        var found = await resources.FindAsync(ResourceName.Topic, id, TopicQueries.FindAsync, cancellationToken);
        if (found is not CachedJson<Topic> { Value: var topic }) return found;
        var query = PageQuery.From(http.Request.Query).WithDefault("sort", StanceOrder);
        var stances = await reader.ReadAsync<StanceQueries.Row, Stance>(query.AsQuery(), [], StanceQueries.OfTopic, StanceQueries.ItemsAsync, cancellationToken, pathValue: id);
        if (stances.Answer is { } problem) return problem;
        TopicSummary? summary;
        await using (var connection = await database.OpenReadAsync(cancellationToken))
            summary = await TopicSummaryQueries.FindAsync(connection, id, cancellationToken);
        if (summary is null) return Problems.NotFound("topic", id); // deleted in between

        var path = http.Request.Path.Value!;
        return Render<TopicPage>(http, new TopicModel(
            topic, summary, stances.Page!.Items.Select(StanceView.From).ToList(),
            Filtered: StanceQueries.OfTopic.Filters.Any(f => query.Has(f.Name)),
            TopicFilters(summary, query, path),
            TimelineDrawing.From(summary),
            new Pager(query.Next(path, stances.Page.NextCursor), query.First(path)),
            [
                new("this page of stances", query.Api(source), query.Csv(source)),
                new("the topic", $"/v1/topics/{topic.Id}"),
                new("its summary (positions by period, outlet and voice)", $"/v1/topics/{topic.Id}/summary"),
            ]));
    }

    /// <summary>The topic page's filters, as links: by the period a position was held, by outlet, by voice.
    /// Their values and counts come from the topic's summary (the whole topic, whatever else is chosen); a
    /// link sets its own filter, keeps the others and starts from the first page.</summary>
    private static List<FilterGroup> TopicFilters(TopicSummary summary, PageQuery query, string path)
    {
        FilterOption All(string label, params string[] names) =>
            new(label, query.Href(path, [.. names.Select(n => (n, (string?)null)), ("cursor", null)]), names.All(n => !query.Has(n)));

        var periods = new List<FilterOption> { All("All times", "heldFrom", "heldTo") };
        foreach (var year in summary.ByHeldYear.Where(y => y.Year is not null))
        {
            var (from, to) = ($"{year.Year}-01-01", $"{year.Year}-12-31");
            periods.Add(new FilterOption(year.Year!, query.Href(path, ("heldFrom", from), ("heldTo", to), ("cursor", null)),
                query.Has("heldFrom", from) && query.Has("heldTo", to), year.Positions.Total));
        }
        var outlets = new List<FilterOption> { All("All outlets", "outlet") };
        outlets.AddRange(summary.ByOutlet.Where(o => o.Outlet is not null).Select(o => new FilterOption(
            o.Outlet!.Name, query.Href(path, ("outlet", o.Outlet.Id), ("cursor", null)), query.Has("outlet", o.Outlet.Id), o.Positions.Total)));
        var voices = new List<FilterOption> { All("All voices", "author") };
        voices.AddRange(summary.ByAuthor.Where(a => a.Author is not null).Select(a => new FilterOption(
            a.Author!.Name, query.Href(path, ("author", a.Author.Id), ("cursor", null)), query.Has("author", a.Author.Id), a.Positions.Total)));

        return
        [
            new("Period held", periods, summary.TimeDependent == true
                ? "The answer to this question can change with time: compare positions held in the same period."
                : null),
            new("Outlet", outlets, summary.OtherOutlets is { } otherOutlets
                ? $"The {TopicSummaryQueries.ListedGroups} outlets with most stances; {Wording.Count(otherOutlets.Count, "more outlet has", "more outlets have")} {Wording.Count(otherOutlets.Positions.Total, "stance", "stances")}."
                : null),
            new("Voice", voices, summary.OtherAuthors is { } otherVoices
                ? $"The {TopicSummaryQueries.ListedGroups} voices with most stances; {Wording.Count(otherVoices.Count, "more voice holds", "more voices hold")} {Wording.Count(otherVoices.Positions.Total, "stance", "stances")}."
                : null),
        ];
    }

    private static async Task<IResult> Article(string id, HttpContext http, ResourceReader resources, CancellationToken cancellationToken)
    {
        if (PageQuery.RefuseAll(http.Request.Query) is { } refused) return refused;
        var found = await resources.FindAsync(ResourceName.Article, id, ArticleQueries.FindAsync, cancellationToken);
        if (found is not CachedJson<ArticleDetail> { Value: var article }) return found;
        // Numbered in reading order, as the quotes stand in the text.
        var stances = article.Stances.OrderBy(s => s.Quote.Start).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        var body = QuotedBody.Mark(article.Body, stances.Select((s, i) => new QuoteSpan(s.Id, s.Topic.Title, i + 1, s.Quote.Start, s.Quote.End)));
        return Render<ArticlePage>(http, new ArticleModel(article, body, stances.Select(s => StanceView.From(s, article)).ToList(),
        [
            new("the article", $"/v1/articles/{article.Id}"),
            new("its stances", $"/v1/articles/{article.Id}/stances", $"/v1/articles/{article.Id}/stances?format=csv"),
        ]));
    }

    private static async Task<IResult> Author(string id, HttpContext http, ResourceReader resources, CollectionReader reader, CancellationToken cancellationToken)
    {
        var source = ApiSource.Of(http)!.PathFor(http.Request.RouteValues);
        if (PageQuery.RefuseListOnly(http.Request.Query, source) is { } refused) return refused;
        var found = await resources.FindAsync(ResourceName.Author, id, AuthorQueries.FindAsync, cancellationToken);
        if (found is not CachedJson<Author> { Value: var author }) return found;
        var query = PageQuery.From(http.Request.Query).WithDefault("sort", StanceOrder);
        var stances = await reader.ReadAsync<StanceQueries.Row, Stance>(query.AsQuery(), [], StanceQueries.OfAuthor, StanceQueries.ItemsAsync, cancellationToken, pathValue: id);
        if (stances.Answer is { } problem) return problem;
        var path = http.Request.Path.Value!;
        return Render<AuthorPage>(http, new AuthorModel(author, stances.Page!.Items.Select(StanceView.From).ToList(),
            new Pager(query.Next(path, stances.Page.NextCursor), query.First(path)),
            [
                new("this page of stances", query.Api(source), query.Csv(source)),
                new("the voice", $"/v1/authors/{author.Id}"),
                new("the articles crediting them", $"/v1/authors/{author.Id}/articles", $"/v1/authors/{author.Id}/articles?format=csv"),
            ]));
    }

    private static async Task<IResult> Outlet(string id, HttpContext http, ResourceReader resources, CollectionReader reader, CancellationToken cancellationToken)
    {
        var source = ApiSource.Of(http)!.PathFor(http.Request.RouteValues);
        if (PageQuery.RefuseListOnly(http.Request.Query, source) is { } refused) return refused;
        var found = await resources.FindAsync(ResourceName.Outlet, id, OutletQueries.FindAsync, cancellationToken);
        if (found is not CachedJson<Outlet> { Value: var outlet }) return found;
        var query = PageQuery.From(http.Request.Query);
        var articles = await reader.ReadAsync<ArticleQueries.Row, ArticleSummary>(query.AsQuery(), [], ArticleQueries.OfOutlet, ArticleQueries.SummariesAsync, cancellationToken, pathValue: id);
        if (articles.Answer is { } problem) return problem;
        var path = http.Request.Path.Value!;
        return Render<OutletPage>(http, new OutletModel(outlet, articles.Page!.Items,
            new Pager(query.Next(path, articles.Page.NextCursor), query.First(path)),
            [new("this page of articles", query.Api(source), query.Csv(source)), new("the outlet", $"/v1/outlets/{outlet.Id}")]));
    }

    private static async Task<IResult> Search(HttpContext http, CollectionReader reader, CancellationToken cancellationToken)
    {
        var source = ApiSource.Of(http)!.PathFor(http.Request.RouteValues);
        // The search box sent empty: the page, ready for a search, rather than a problem.
        if (string.IsNullOrWhiteSpace(http.Request.Query["q"]))
            return Render<SearchPage>(http, new SearchModel(null, [], [], new Pager(null, null), []));
        if (PageQuery.RefuseListOnly(http.Request.Query, source) is { } refused) return refused;
        var query = PageQuery.From(http.Request.Query);
        var results = await reader.ReadAsync<SearchQueries.Row, SearchResult>(query.AsQuery(), [], SearchQueries.Collection, new(SearchResult.FromRows(http.Request.Query["q"].ToString())), cancellationToken);
        if (results.Answer is { } problem) return problem;
        var path = http.Request.Path.Value!;
        List<FilterOption> kinds =
        [
            new("Articles and quotes", query.Href(path, ("kind", null), ("cursor", null)), !query.Has("kind")),
            new("Articles", query.Href(path, ("kind", "article"), ("cursor", null)), query.Has("kind", "article") && !query.Has("kind", "stance")),
            new("Quotes", query.Href(path, ("kind", "stance"), ("cursor", null)), query.Has("kind", "stance") && !query.Has("kind", "article")),
        ];
        return Render<SearchPage>(http, new SearchModel(query["q"], kinds, results.Page!.Items,
            new Pager(query.Next(path, results.Page.NextCursor), query.First(path)),
            [new("these results", query.Api(source), query.Csv(source))]));
    }

    /// <summary>Each topic with its positions, as its summary counts them (the tallies the database keeps).</summary>
    private static async Task<List<TopicCard>> CardsAsync(Database database, IReadOnlyList<Topic> topics, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var positions = await TopicSummaryQueries.PositionsAsync(connection, topics.Select(t => t.Id).ToList(), cancellationToken);
        return topics.Select(t => new TopicCard(t, positions[t.Id])).ToList();
    }

    private static IResult Render<TPage>(HttpContext http, object model) where TPage : IComponent =>
        Render<TPage>(http, new Dictionary<string, object?> { ["Model"] = model });

    /// <summary>A page, rendered on the server. Like every answer of the archive it may be kept but is
    /// revalidated, so a page read after a write is never stale.</summary>
    internal static IResult Render<TPage>(HttpContext http, IReadOnlyDictionary<string, object?> parameters) where TPage : IComponent
    {
        var response = http.Response;
        response.Headers.CacheControl = "no-cache";
        // The renderer tells Blazor's client script that it may navigate here; the explorer has no script,
        // and a header that names the framework tells everyone else only what to try.
        response.OnStarting(() =>
        {
            response.Headers.Remove("blazor-enhanced-nav");
            return Task.CompletedTask;
        });
        return new RazorComponentResult<TPage>(parameters);
    }
}
