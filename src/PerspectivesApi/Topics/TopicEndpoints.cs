using PerspectivesApi.Curation;
using PerspectivesApi.Exports;
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

        // Declared before /{id}: a literal segment wins, so "summary" is not read as a topic id (and no topic may
        // take it: ResourceName.Topic reserves it).
        topics.MapGet("/summary", Summaries)
            .WithName("listTopicSummaries")
            .WithSummary("Summarize every topic")
            .WithDescription("For every topic, the positions of its stances counted overall, by outlet, by voice, by month of publication, by the time they were held, by kind of voice and by attribution, as GET /v1/topics/{id}/summary gives for one. Paged, filtered and sorted like GET /v1/topics. With format=csv|ndjson|parquet, every topic's counts as rows of the topic_summaries table (topic_id, dimension, group_value, group_name, position, count).")
            .ListsCollection(TopicSummaryQueries.Collection, new Page<TopicSummary>([Examples.TopicSummary], null, null))
            // Its CSV, NDJSON and Parquet are topic_summaries rows, not flattened summaries.
            .WithMetadata(new TableDownloadDoc(TidyTables.TopicSummaries, FileParameter: false, LimitParameter: false, FormatParameter: false));

        topics.MapGet("/{id}/summary", Summary)
            .WithName("getTopicSummary")
            .WithSummary("Summarize a topic")
            .WithDescription("""
                Where the perspectives on one question stand: how many stances support, oppose, are mixed on or neutral towards the
                proposition, overall, by the outlet of the article, by the voice holding the stance, by the month of publication
                (null: a date unknown or known only to the year), by the year and month the positions were held, by the kind of
                voice (person, institution, group, editorial) and by how the words reach us (own-words, quoted, reported,
                editorial). For a time-dependent topic (`timeDependent`), compare positions within one period of `byHeldYear`:
                positions held at different times differ in time, not in perspective. The counts are those of
                GET /v1/topics/{id}/stances. With format=csv|ndjson|parquet, the counts come as rows of the topic_summaries table
                (topic_id, dimension, group_value, group_name, position, count), every outlet and voice included.
                """)
            .ExportsSummary(Examples.TopicSummary, resource: ResourceName.Topic);

        topics.MapGet("/{id}", Get)
            .WithName("getTopic")
            .WithSummary("Get a topic")
            .WithDescription("One question: its title, the proposition stances take a position on, context, and its stance count.")
            .FindsResource<Topic>(ResourceName.Topic, Examples.Topic);

        topics.MapGet("/{id}/stances", ListStances)
            .WithName("listTopicStances")
            .WithSummary("List a topic's stances")
            .WithDescription("Every recorded position on one question, side by side: who, where, when, which way, in their own words. Filter by `position` to see one side. Same filters and paging as GET /v1/stances, less `topic`.")
            .ListsCollection<Stance>(StanceQueries.OfTopic, Examples.StancePage);

        topics.MapWrites(TopicWrites.Model, Examples.Topic, Examples.TopicDocument);
    }

    private static Task<IResult> List(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<TopicQueries.Row, Topic>(http, TopicQueries.Collection, TopicQueries.ItemsAsync, cancellationToken);

    private static Task<IResult> Get(string id, ResourceReader reader, CancellationToken cancellationToken) =>
        reader.FindAsync(ResourceName.Topic, id, TopicQueries.FindAsync, cancellationToken);

    private static async Task<IResult> Summary(string id, HttpContext http, ResourceReader reader, CancellationToken cancellationToken) =>
        await TableDownloads.SummaryExportAsync(http, id, cancellationToken) ?? await reader.FindAsync(ResourceName.Topic, id, TopicSummaryQueries.FindAsync, cancellationToken);

    // The counts as a table (format=csv|ndjson|parquet) are the topic_summaries rows; JSON is a page of summaries.
    private static async Task<IResult> Summaries(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        await TableDownloads.SummaryExportAsync(http, null, cancellationToken)
        ?? await reader.ListAsync<TopicQueries.Row, TopicSummary>(http, TopicSummaryQueries.Collection, TopicSummaryQueries.SummariesAsync, cancellationToken);

    private static Task<IResult> ListStances(string id, HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<StanceQueries.Row, Stance>(http, StanceQueries.OfTopic, StanceQueries.ItemsAsync, cancellationToken, pathValue: id);
}
