using PerspectivesApi.Articles;
using PerspectivesApi.Curation;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Outlets;

public static class OutletEndpoints
{
    public static void MapOutlets(this IEndpointRouteBuilder v1)
    {
        var outlets = v1.MapGroup("/outlets").WithTags("Outlets");

        outlets.MapGet("/", List)
            .WithName("listOutlets")
            .WithSummary("List outlets")
            .WithDescription("Publications that published an archived piece or first published one that was republished, by name, with their kind, country and article count.")
            .ListsCollection<Outlet>(OutletQueries.Collection, Examples.OutletPage);

        outlets.MapGet("/{id}", Get)
            .WithName("getOutlet")
            .WithSummary("Get an outlet")
            .WithDescription("One publication: name, kind, country and home page where certain (null otherwise), and how many archived articles it published.")
            .FindsResource<Outlet>(ResourceName.Outlet, Examples.Outlet);

        outlets.MapGet("/{id}/articles", ListArticles)
            .WithName("listOutletArticles")
            .WithSummary("List an outlet's articles")
            .WithDescription("Articles this outlet published, newest first. Same filters and paging as GET /v1/articles, less `outlet`.")
            .ListsCollection<ArticleSummary>(ArticleQueries.OfOutlet, Examples.ArticlePage);

        outlets.MapWrites(OutletWrites.Model, Examples.Outlet, Examples.OutletDocument);
    }

    private static Task<IResult> List(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<OutletQueries.Row, Outlet>(http, OutletQueries.Collection, OutletQueries.ItemsAsync, cancellationToken);

    private static Task<IResult> Get(string id, ResourceReader reader, CancellationToken cancellationToken) =>
        reader.FindAsync(ResourceName.Outlet, id, OutletQueries.FindAsync, cancellationToken);

    private static Task<IResult> ListArticles(string id, HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<ArticleQueries.Row, ArticleSummary>(http, ArticleQueries.OfOutlet, ArticleQueries.SummariesAsync, cancellationToken, pathValue: id);
}
