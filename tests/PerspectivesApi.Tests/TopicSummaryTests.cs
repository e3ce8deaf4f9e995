using Dapper;
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

    private static string HeldMonth(JsonElement stance)
    {
        var held = stance.GetProperty("heldAt");
        if (held.ValueKind == JsonValueKind.Null) return "(null)";
        return held.GetProperty("precision").GetString() is "day" or "month" ? held.GetProperty("date").GetString()![..7] : "(null)";
    }

    [Fact]
    public async Task A_time_dependent_topic_groups_its_positions_by_the_time_they_were_held()
    {
        // The 2022 editorial's opposes and the 2025 pieces' supports are two moments, each counted in its own year.
        var summary = await app.GetJsonAsync("/v1/topics/russia-losing-south-caucasus/summary");
        Assert.True(summary.GetProperty("timeDependent").GetBoolean());
        var years = summary.GetProperty("byHeldYear").EnumerateArray().ToDictionary(y => y.GetProperty("year").GetString()!, y => Counts(y.GetProperty("positions")));
        Assert.Equal(["2022", "2025"], years.Keys);
        Assert.Equal(new Dictionary<string, long> { ["supports"] = 0, ["opposes"] = 1, ["mixed"] = 0, ["neutral"] = 0 }, years["2022"]);
        Assert.Equal(0, years["2025"]["opposes"]);
        Assert.True(years["2025"]["supports"] >= 5);
        // A topic about a dated event says so.
        Assert.False((await app.GetJsonAsync("/v1/topics/yekaterinburg-raid-directed-by-kremlin/summary")).GetProperty("timeDependent").GetBoolean());
        // The Kremlin's statement, the Kremlin's line as Ismailov reports it, and the editorial voice are told apart.
        var kinds = (await app.GetJsonAsync("/v1/topics/baku-moscow-rift-is-permanent/summary")).GetProperty("byVoiceKind").EnumerateArray()
            .Select(k => k.GetProperty("voiceKind").GetString()).ToList();
        Assert.Equal(["editorial", "institution", "person"], kinds);
    }

    [Fact]
    public async Task Every_topics_summary_counts_its_listed_stances()
    {
        var topics = (await app.GetJsonAsync("/v1/topics?limit=100")).Ids().ToList();
        Assert.True(topics.Count >= 6);
        foreach (var topic in topics)
        {
            var summary = await AssertCountsListedStancesAsync(app, topic);
            // The seed has few outlets and voices per topic: all are listed.
            Assert.Equal(JsonValueKind.Null, summary.GetProperty("otherAuthors").ValueKind);
            Assert.Equal(JsonValueKind.Null, summary.GetProperty("otherOutlets").ValueKind);
        }
    }

    /// <summary>Checks a topic's summary against every stance GET /v1/topics/{id}/stances lists (every page):
    /// overall, by outlet, by month, and by voice, where the listed voices are those with most stances and
    /// otherAuthors holds exactly the rest.</summary>
    internal static async Task<JsonElement> AssertCountsListedStancesAsync(ArchiveApp app, string topic)
    {
        var stances = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await app.GetJsonAsync($"/v1/topics/{topic}/stances?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            stances.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.NullableString("nextCursor");
        } while (cursor is not null);
        var summary = await app.GetJsonAsync($"/v1/topics/{topic}/summary");
        Assert.Equal(topic, summary.GetProperty("topic").GetProperty("id").GetString());

        Assert.Equal(Expected(stances, _ => "all")["all"], Counts(summary.GetProperty("positions")));
        Assert.Equal(stances.Count, summary.GetProperty("positions").GetProperty("total").GetInt64());

        // The dimensions listed whole, each group in order (oldest period or binary order first, unknown last).
        foreach (var (listedName, groupKey, group) in new (string, string, Func<JsonElement, string>)[]
        {
            ("byMonth", "month", Month),
            ("byHeldYear", "year", s => s.GetProperty("heldAt") is { ValueKind: JsonValueKind.Object } held ? held.GetProperty("date").GetString()![..4] : "(null)"),
            ("byHeldMonth", "month", HeldMonth),
            ("byVoiceKind", "voiceKind", s => s.GetProperty("author") is { ValueKind: JsonValueKind.Object } voice ? voice.GetProperty("kind").GetString()! : "(null)"),
            ("byAttribution", "attribution", s => s.GetProperty("attribution") is { ValueKind: JsonValueKind.Object } a ? a.GetProperty("kind").GetString()! : "(null)"),
        })
        {
            var listed = summary.GetProperty(listedName).EnumerateArray().Select(g => (Key: g.GetProperty(groupKey).GetString() ?? "(null)", Counts: Counts(g.GetProperty("positions")))).ToList();
            var expected = Expected(stances, group);
            Assert.Equal(expected.Keys.OrderBy(k => k == "(null)").ThenBy(k => k, StringComparer.Ordinal), listed.Select(g => g.Key));
            foreach (var (key, counts) in listed) Assert.Equal(expected[key], counts);
        }

        // Outlets and voices: the ones with most stances (ties by id, the null group's being empty) up to
        // the cap, in that order, and the remainder holding exactly the rest.
        foreach (var (listedName, restName, groupKey, group) in new (string, string, string, Func<JsonElement, string>)[]
        {
            ("byOutlet", "otherOutlets", "outlet", s => Key(s.GetProperty("article").GetProperty("outlet"))),
            ("byAuthor", "otherAuthors", "author", s => Key(s.GetProperty("author"))),
        })
        {
            var expected = Expected(stances, group);
            var ranked = expected.OrderByDescending(v => v.Value.Values.Sum()).ThenBy(v => v.Key == "(null)" ? "" : v.Key, StringComparer.Ordinal).ToList();
            var listed = summary.GetProperty(listedName).EnumerateArray().ToList();
            Assert.Equal(ranked.Take(PerspectivesApi.Topics.TopicSummaryQueries.ListedGroups).Select(v => v.Key), listed.Select(g => Key(g.GetProperty(groupKey))));
            foreach (var g in listed) Assert.Equal(expected[Key(g.GetProperty(groupKey))], Counts(g.GetProperty("positions")));
            var others = summary.GetProperty(restName);
            var rest = ranked.Skip(listed.Count).ToList();
            if (rest.Count == 0) Assert.Equal(JsonValueKind.Null, others.ValueKind);
            else
            {
                Assert.Equal(rest.Count, others.GetProperty("count").GetInt64());
                Assert.Equal(new[] { "supports", "opposes", "mixed", "neutral" }.ToDictionary(p => p, p => rest.Sum(v => v.Value[p])), Counts(others.GetProperty("positions")));
            }
        }
        return summary;
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

/// <summary>Summaries read precomputed tallies that triggers keep in step with the stances: after any
/// write, by any code path, the tallies equal a full recount and the summary equals the listing.</summary>
public sealed class TopicTallyTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private const string Topic = "many-voices", Other = "baku-moscow-rift-is-permanent";

    private static async Task AssertNoDriftAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string step)
    {
        var drift = (await connection.QueryAsync(PerspectivesApi.Topics.TopicTallies.Drift)).ToList();
        Assert.True(drift.Count == 0, $"after {step}, tallies differ from a recount: {string.Join("; ", drift.Select(d => (object)d))}");
    }

    [Fact]
    public async Task Tallies_follow_every_kind_of_write_and_the_summary_lists_the_top_voices()
    {
        await using var connection = await app.OpenAsync();
        await AssertNoDriftAsync(connection, "seeding");

        // A topic with 120 voices over three articles (known outlet and day; unknown outlet and year; month),
        // with skewed counts (17 voices hold more) so the ranking is not all ties, and some editorial (null) voices.
        await connection.ExecuteAsync("INSERT INTO topics (id, title, proposition) VALUES (@Topic, 'Many voices', 'A proposition.')", new { Topic });
        await connection.ExecuteAsync("INSERT INTO authors (id, name, kind) VALUES (@id, @name, @kind)",
            Enumerable.Range(0, 120).Select(i => new { id = $"voice-{i:000}", name = $"Voice {i}", kind = i % 9 == 0 ? "institution" : i % 13 == 0 ? "group" : "person" }));
        await connection.ExecuteAsync("""
            INSERT INTO articles (id, title, genre, language, outlet_id, published_date, published_precision, published_inferred, excerpt, body)
            VALUES (@id, 'A title', 'news', 'en', @outlet, @date, @precision, 0, 'x', 'Generated body.')
            """, new[]
            {
                new { id = "tally-a", outlet = (string?)"charter97", date = (string?)"2025-07-04", precision = (string?)"day" },
                new { id = "tally-b", outlet = (string?)null, date = (string?)"2025", precision = (string?)"year" },
                new { id = "tally-c", outlet = (string?)"georgia-today", date = (string?)"2024-03", precision = (string?)"month" },
            });
        // And 57 more articles, each from its own outlet, so outlets too are more than a summary lists.
        await connection.ExecuteAsync("INSERT INTO outlets (id, name, kind) VALUES (@id, @id, 'news-site')",
            Enumerable.Range(0, 57).Select(i => new { id = $"tally-outlet-{i:00}" }));
        await connection.ExecuteAsync("""
            INSERT INTO articles (id, title, genre, language, outlet_id, published_date, published_precision, published_inferred, excerpt, body)
            VALUES (@id, 'A title', 'news', 'en', @outlet, '2025-01-01', 'day', 0, 'x', 'Generated body.')
            """, Enumerable.Range(0, 57).Select(i => new { id = $"tally-x{i:00}", outlet = $"tally-outlet-{i:00}" }));
        var articles = new[] { "tally-a", "tally-b", "tally-c" }.Concat(Enumerable.Range(0, 57).Select(i => $"tally-x{i:00}")).ToArray();
        await connection.ExecuteAsync("""
            INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary, attribution_kind, held_date, held_precision)
            VALUES (@id, @topic, @article, @author, @position, 'Generated', 0, 9, 'A summary.', @attribution, @held, @precision)
            """, Enumerable.Range(0, 600).Select(i => new
            {
                id = $"tally-s{i:000}", topic = Topic, article = articles[i < 300 ? i % 3 : i % articles.Length],
                author = i % 11 == 0 ? null : $"voice-{(i < 450 ? i % 113 : i % 17):000}", position = new[] { "supports", "opposes", "mixed", "neutral" }[i * 7 % 4],
                attribution = (i % 5) switch { 0 => null, 1 => "quoted", 2 => "reported", _ => "own-words" },
                held = (i % 7) switch { 0 => null, 1 => "2022", 2 => "2024-03", _ => "2025-07-04" },
                precision = (i % 7) switch { 0 => null, 1 => "year", 2 => "month", _ => "day" },
            }));
        await AssertNoDriftAsync(connection, "inserting stances");
        var summary = await TopicSummaryTests.AssertCountsListedStancesAsync(app, Topic);
        Assert.Equal(PerspectivesApi.Topics.TopicSummaryQueries.ListedGroups, summary.GetProperty("byAuthor").GetArrayLength());
        Assert.True(summary.GetProperty("otherAuthors").GetProperty("count").GetInt64() > 0);
        Assert.True(summary.GetProperty("otherOutlets").GetProperty("count").GetInt64() > 0);

        foreach (var (step, sql) in new[]
        {
            ("changing positions", "UPDATE stances SET position = 'opposes' WHERE id IN ('tally-s001', 'tally-s002', 'tally-s010')"),
            ("changing voices", "UPDATE stances SET author_id = 'voice-007' WHERE id IN ('tally-s003', 'tally-s033')"),
            ("making a voice editorial", "UPDATE stances SET author_id = NULL WHERE id = 'tally-s004'"),
            ("changing when positions were held", "UPDATE stances SET held_date = '2023', held_precision = 'year' WHERE id IN ('tally-s014', 'tally-s015'); UPDATE stances SET held_date = NULL, held_precision = NULL WHERE id = 'tally-s016'"),
            ("changing attributions", "UPDATE stances SET attribution_kind = 'reported' WHERE id IN ('tally-s017', 'tally-s018'); UPDATE stances SET attribution_kind = NULL WHERE id = 'tally-s019'"),
            ("changing a voice's kind", "UPDATE authors SET kind = 'group' WHERE id IN ('voice-001', 'voice-009')"),
            ("moving stances to another topic", $"UPDATE stances SET topic_id = '{Other}' WHERE id IN ('tally-s005', 'tally-s006')"),
            ("moving stances to another article", "UPDATE stances SET article_id = 'tally-b' WHERE id IN ('tally-s007', 'tally-s009')"),
            ("changing an article's outlet", "UPDATE articles SET outlet_id = 'georgia-today' WHERE id = 'tally-a'"),
            ("making an outlet unknown", "UPDATE articles SET outlet_id = NULL WHERE id = 'tally-c'"),
            ("changing an article's date", "UPDATE articles SET published_date = '2023-11-02', published_precision = 'day' WHERE id = 'tally-b'"),
            ("making a date year-only", "UPDATE articles SET published_date = '2024', published_precision = 'year' WHERE id = 'tally-c'"),
            ("changing columns that are not counted", "UPDATE stances SET summary = 'Changed.' WHERE id = 'tally-s011'; UPDATE articles SET title = 'Changed' WHERE id = 'tally-a'"),
            ("deleting stances", "DELETE FROM stances WHERE id IN ('tally-s012', 'tally-s013', 'tally-s005')"),
            ("deleting an article with its stances", "DELETE FROM stances WHERE article_id = 'tally-c'; DELETE FROM articles WHERE id = 'tally-c'"),
        })
        {
            await connection.ExecuteAsync(sql);
            await AssertNoDriftAsync(connection, step);
        }
        await TopicSummaryTests.AssertCountsListedStancesAsync(app, Topic);
        await TopicSummaryTests.AssertCountsListedStancesAsync(app, Other);
    }

    [Fact]
    public async Task A_rebuild_recounts_tallies_that_were_lost()
    {
        await using var connection = await app.OpenAsync();
        Assert.NotEmpty(await connection.QueryAsync("SELECT 1 FROM topic_tallies WHERE total > 0"));
        await connection.ExecuteAsync("UPDATE topic_tallies SET supports = supports + 1 WHERE dimension = 'all'");
        Assert.NotEmpty(await connection.QueryAsync(PerspectivesApi.Topics.TopicTallies.Drift)); // the check sees drift
        await connection.ExecuteAsync(PerspectivesApi.Topics.TopicTallies.Rebuild);
        await AssertNoDriftAsync(connection, "a rebuild");
    }
}
