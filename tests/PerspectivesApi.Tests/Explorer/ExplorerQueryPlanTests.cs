using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PerspectivesApi.Http;
using PerspectivesApi.Stances;

namespace PerspectivesApi.Tests.Explorer;

/// <summary>A question's page and a voice's page list stances latest held first: each page of them is one
/// seek in an index that holds the filter and the order (db/migrations/0009), never every stance of the
/// topic sorted for each page.</summary>
[Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
public sealed class ExplorerQueryPlanTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    [Theory]
    [InlineData("topic", "ix_stances_topic_held")]
    [InlineData("author", "ix_stances_author_held")]
    public async Task Stances_of_a_topic_or_a_voice_latest_held_first_are_read_in_order_from_one_index(string parent, string index)
    {
        var collection = parent == "topic" ? StanceQueries.OfTopic : StanceQueries.OfAuthor;
        var codec = new CursorCodec(new byte[32]);
        await using var connection = await app.OpenAsync();
        foreach (var sort in new[] { "-held", "held" })
        {
            var query = new Dictionary<string, StringValues> { ["sort"] = sort };
            var request = ListRequest.Parse(new QueryCollection(query), collection, collection.PathFilter!.Example, codec, out var errors);
            Assert.Empty(errors);
            query["cursor"] = codec.Encode(new Cursor(request.QueryFingerprint, "2025-07-01", "some-id"));
            var deep = ListRequest.Parse(new QueryCollection(query), collection, collection.PathFilter.Example, codec, out errors);
            Assert.Empty(errors);
            foreach (var page in new[] { request, deep })
            {
                var (sql, parameters) = CollectionReader.PageQuery(page, collection.PathFilter.Example);
                var plan = (await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>("EXPLAIN QUERY PLAN " + sql, parameters)).Select(r => r.Detail).ToList();
                Assert.True(plan.Any(step => step.StartsWith("SEARCH s USING INDEX " + index)), string.Join("\n", plan));
                Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE"));
            }
        }
    }
}
