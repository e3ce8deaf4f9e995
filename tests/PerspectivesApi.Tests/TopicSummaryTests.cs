using System.Text.Json;

namespace PerspectivesApi.Tests;

/// <summary>A topic's summary counts exactly the stances GET /v1/topics/{id}/stances lists.</summary>
public sealed class TopicSummaryTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private static string Key(JsonElement reference) => reference.ValueKind == JsonValueKind.Null ? "(null)" : reference.GetProperty("id").GetString()!;

    private static Dictionary<string, long> Counts(JsonElement positions) =>
        new[] { "supports", "opposes", "mixed", "neutral" }.ToDictionary(p => p, p => positions.GetProperty(p).GetInt64());

    private static Dictionary<string, Dictionary<string, long>> Expected(IEnumerable<JsonElement> stances, Func<JsonElement, string> group) =>
        stances.GroupBy(group).ToDictionary(g => g.Key, g => new[] { "supports", "opposes", "mixed", "neutral" }
            .ToDictionary(p => p, p => (long)g.Count(s => s.GetProperty("position").GetString() == p)));

    private static string Month(JsonElement stance)
    {
        var published = stance.GetProperty("article").GetProperty("published");
        if (published.ValueKind == JsonValueKind.Null) return "(null)";
        return published.GetProperty("precision").GetString() is "day" or "month" ? published.GetProperty("date").GetString()![..7] : "(null)";
    }

    [Fact]
    public async Task Every_topics_summary_counts_its_listed_stances()
    {
        var topics = (await app.GetJsonAsync("/v1/topics?limit=100")).Ids().ToList();
        Assert.True(topics.Count >= 6);
        foreach (var topic in topics)
        {
            var stances = (await app.GetJsonAsync($"/v1/topics/{topic}/stances?limit=100")).GetProperty("items").EnumerateArray().ToList();
            var summary = await app.GetJsonAsync($"/v1/topics/{topic}/summary");
            Assert.Equal(topic, summary.GetProperty("topic").GetProperty("id").GetString());

            Assert.Equal(Expected(stances, _ => "all")["all"], Counts(summary.GetProperty("positions")));
            Assert.Equal(stances.Count, summary.GetProperty("positions").GetProperty("total").GetInt64());

            foreach (var (dimension, groupKey, group) in new (string, string, Func<JsonElement, string>)[]
            {
                ("byOutlet", "outlet", s => Key(s.GetProperty("article").GetProperty("outlet"))),
                ("byAuthor", "author", s => Key(s.GetProperty("author"))),
                ("byMonth", "month", Month),
            })
            {
                var actual = summary.GetProperty(dimension).EnumerateArray().ToDictionary(
                    g => groupKey == "month" ? g.GetProperty("month").GetString() ?? "(null)" : Key(g.GetProperty(groupKey)),
                    g => Counts(g.GetProperty("positions")));
                var expected = Expected(stances, group);
                Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
                foreach (var key in expected.Keys) Assert.Equal(expected[key], actual[key]);
            }
        }
    }

    [Fact]
    public async Task A_topic_with_disagreement_shows_it_in_its_summary()
    {
        var summary = await app.GetJsonAsync("/v1/topics/russia-heading-for-collapse/summary");
        var positions = summary.GetProperty("positions");
        Assert.True(positions.GetProperty("supports").GetInt64() > 0);
        Assert.True(positions.GetProperty("opposes").GetInt64() > 0);
    }

    [Fact]
    public async Task The_all_topics_summary_holds_each_topics_summary()
    {
        var all = (await app.GetJsonAsync("/v1/topics/summary")).GetProperty("items").EnumerateArray().ToList();
        var topics = (await app.GetJsonAsync("/v1/topics?limit=100")).Ids().ToList();
        Assert.Equal(topics, all.Select(s => s.GetProperty("topic").GetProperty("id").GetString()!).ToList());
        foreach (var summary in all)
        {
            var one = await app.GetJsonAsync($"/v1/topics/{summary.GetProperty("topic").GetProperty("id").GetString()}/summary");
            Assert.Equal(one.GetRawText(), summary.GetRawText());
        }
    }

    [Fact]
    public async Task The_summary_of_an_unknown_topic_is_a_404_problem()
    {
        using var response = await app.CreateClient().GetAsync("/v1/topics/no-such-topic/summary");
        await ProblemAssert.IsProblemAsync(response, 404);
    }
}
