using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;
using PerspectivesApi.Stances;

namespace PerspectivesApi.Topics;

public static class TopicEndpoints
{
    public static void MapTopics(this IEndpointRouteBuilder v1)
    {
        var topics = v1.MapGroup("/topics").WithTags("Topics");

        topics.MapGet("/", List)
            .WithName("listTopics")
            .WithSummary("List topics")
            .WithDescription("The questions the archive compares perspectives on, each framed as a proposition, with how many stances address it.")
            .ListsCollection<Topic>(TopicQueries.Collection, Examples.TopicPage);

        topics.MapGet("/{id}", Get)
            .WithName("getTopic")
            .WithSummary("Get a topic")
            .WithDescription("One question: its title, the proposition stances take a position on, context, and its stance count.")
            .FindsResource<Topic>("topic", Examples.Topic);

        topics.MapGet("/{id}/stances", ListStances)
            .WithName("listTopicStances")
            .WithSummary("List a topic's stances")
            .WithDescription("Every recorded position on one question, side by side: who, where, when, which way, in their own words. Filter by `position` to see one side. Same filters and paging as GET /v1/stances, less `topic`.")
            .ListsCollection<Stance>(StanceQueries.OfTopic, Examples.StancePage);
    }

    private static Task<IResult> List(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<TopicQueries.Row, Topic>(http, TopicQueries.Collection, TopicQueries.ItemsAsync, cancellationToken);

    private static Task<IResult> Get(string id, ResourceReader reader, CancellationToken cancellationToken) =>
        reader.FindAsync("topic", id, TopicQueries.FindAsync, cancellationToken);

    private static Task<IResult> ListStances(string id, HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<StanceQueries.Row, Stance>(http, StanceQueries.OfTopic, StanceQueries.ItemsAsync, cancellationToken, pathValue: id);
}
