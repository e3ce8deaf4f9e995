using PerspectivesApi.Curation;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;
using PerspectivesApi.Stances;

namespace PerspectivesApi.Articles;

public static class ArticleEndpoints
{
    public static void MapArticles(this IEndpointRouteBuilder v1)
    {
        var articles = v1.MapGroup("/articles").WithTags("Articles");

        articles.MapGet("/", List)
            .WithName("listArticles")
            .WithSummary("List articles")
            .WithDescription("""
                Archived pieces, newest first by default, with their outlet, publication date, credits and the opening of their body.
                Filter by outlet, author, topic, language, genre and publication date; filters of different names combine with AND,
                repeated values of one filter with OR. Dates match only articles certainly published in the range.
                """)
            .ListsCollection<ArticleSummary>(ArticleQueries.Collection, Examples.ArticlePage);

        articles.MapGet("/{id}", Get)
            .WithName("getArticle")
            .WithSummary("Get an article")
            .WithDescription("One article in full: metadata, credits, where it was first published, provenance, its clean body text, and every stance recorded in it with its quote and offsets.")
            .FindsResource<ArticleDetail>(ResourceName.Article, Examples.ArticleDetail);

        articles.MapGet("/{id}/stances", ListStances)
            .WithName("listArticleStances")
            .WithSummary("List an article's stances")
            .WithDescription("The stances recorded in one article: whose position on which topic, with the exact quote. Same filters and paging as GET /v1/stances, less `article`.")
            .ListsCollection<Stance>(StanceQueries.OfArticle, Examples.StancePage);

        articles.MapWrites(ArticleWrites.Model, Examples.ArticleDetail, Examples.ArticleDocument).WithRequestBodyLimit(limits => limits.MaxArticleBodyBytes);
    }

    private static Task<IResult> List(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<ArticleQueries.Row, ArticleSummary>(http, ArticleQueries.Collection, ArticleQueries.SummariesAsync, cancellationToken);

    private static Task<IResult> Get(string id, ResourceReader reader, CancellationToken cancellationToken) =>
        reader.FindAsync(ResourceName.Article, id, ArticleQueries.FindAsync, cancellationToken);

    private static Task<IResult> ListStances(string id, HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<StanceQueries.Row, Stance>(http, StanceQueries.OfArticle, StanceQueries.ItemsAsync, cancellationToken, pathValue: id);
}
