using PerspectivesApi.Curation;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Stances;

public static class StanceEndpoints
{
    public static void MapStances(this IEndpointRouteBuilder v1)
    {
        var stances = v1.MapGroup("/stances").WithTags("Stances");

        stances.MapGet("/", List)
            .WithName("listStances")
            .WithSummary("List stances")
            .WithDescription("""
                Every recorded position: which voice, on which topic, in which article (with its outlet and date), with the exact quote
                and its offsets in the article body. Filter by topic, article, author, position and outlet; filters of different names
                combine with AND, repeated values of one filter with OR.
                """)
            .ListsCollection<Stance>(StanceQueries.Collection, Examples.StancePage);

        stances.MapGet("/{id}", Get)
            .WithName("getStance")
            .WithSummary("Get a stance")
            .WithDescription("One stance with its topic, article, voice, position, quote (with code-point offsets into the article body) and paraphrase.")
            .FindsResource<Stance>(ResourceName.Stance, Examples.Stance);

        stances.MapWrites(StanceWrites.Model, Examples.Stance, Examples.StanceDocument);
    }

    private static Task<IResult> List(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<StanceQueries.Row, Stance>(http, StanceQueries.Collection, StanceQueries.ItemsAsync, cancellationToken);

    private static Task<IResult> Get(string id, ResourceReader reader, CancellationToken cancellationToken) =>
        reader.FindAsync(ResourceName.Stance, id, StanceQueries.FindAsync, cancellationToken);
}
