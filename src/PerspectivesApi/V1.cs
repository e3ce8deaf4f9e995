using System.ComponentModel;
using PerspectivesApi.Articles;
using PerspectivesApi.Authors;
using PerspectivesApi.Curation;
using PerspectivesApi.Exports;
using PerspectivesApi.OpenApi;
using PerspectivesApi.Outlets;
using PerspectivesApi.Search;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi;

/// <summary>A collection of the v1 API and where to find it.</summary>
public sealed record CollectionLink(
    [property: Description("The collection's name.")] string Name,
    [property: Description("Its URL, relative to the server.")] string Href,
    [property: Description("What it holds.")] string Description);

/// <summary>The entry point of the v1 API.</summary>
public sealed record ApiIndex(
    [property: Description("The API's name.")] string Name,
    [property: Description("The API version these links belong to.")] string Version,
    [property: Description("Where the OpenAPI document and Swagger UI are.")] string Documentation,
    [property: Description("Every collection of this version.")] IReadOnlyList<CollectionLink> Collections);

public static class V1
{
    public static readonly ApiIndex Index = new("Perspectives Archive", "v1", "/swagger",
    [
        new("articles", "/v1/articles", "Archived pieces: metadata, credits, clean body text, provenance."),
        new("authors", "/v1/authors", "Voices whose perspective is recorded: persons, institutions, groups and the editorial voices of unsigned pieces."),
        new("outlets", "/v1/outlets", "Publications: newspapers, broadcasters, news sites, blogs."),
        new("topics", "/v1/topics", "Questions framed as propositions that stances take a position on."),
        new("stances", "/v1/stances", "One voice's position on one topic in one article, with the exact quote."),
        new("search", "/v1/search", "Full-text search across articles and stance quotes (give q; without it the page is empty), with ranks and highlighted snippets."),
    ]);

    public static void MapV1(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RefusesUnknownQueryParameters();

        v1.MapGet("/", () => new Http.CachedJson<ApiIndex>(Index))
            .WithName("getIndex")
            .WithTags("Index")
            .WithSummary("List the collections")
            .WithDescription("The entry point: every collection of the v1 API with its URL, and where the documentation is.")
            .ProducesDocument(Index);

        v1.MapArticles();
        v1.MapAuthors();
        v1.MapOutlets();
        v1.MapTopics();
        v1.MapStances();
        v1.MapSearch();
        v1.MapExports();
        v1.MapImportsAndChanges();
    }
}
