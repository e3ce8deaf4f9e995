using System.Text.Json;
using Dapper;
using PerspectivesApi.Http;

namespace PerspectivesApi.Tests;

/// <summary>Every facet's counts equal what a full walk of the same filtered list counts.</summary>
public sealed class FacetTests(ArchiveWithManyRows app) : IClassFixture<ArchiveWithManyRows>
{
    private static string? Id(JsonElement reference) => reference.ValueKind == JsonValueKind.Null ? null : reference.GetProperty("id").GetString();

    private static string? Year(JsonElement published) => published.ValueKind == JsonValueKind.Null ? null : published.GetProperty("date").GetString()![..4];

    /// <summary>The facet's values for one list item, as the item itself shows them.</summary>
    private static readonly Dictionary<string, Func<JsonElement, IEnumerable<string?>>> Extractors = new()
    {
        ["articles/outlet"] = i => [Id(i.GetProperty("outlet"))],
        ["articles/author"] = i => i.GetProperty("credits").EnumerateArray().Select(c => Id(c.GetProperty("author"))).Distinct(),
        ["articles/language"] = i => [i.GetProperty("language").GetString()],
        ["articles/genre"] = i => [i.GetProperty("genre").GetString()],
        ["articles/year"] = i => [Year(i.GetProperty("published"))],
        ["stances/position"] = i => [i.GetProperty("position").GetString()],
        ["stances/topic"] = i => [Id(i.GetProperty("topic"))],
        ["stances/author"] = i => [Id(i.GetProperty("author"))],
        ["stances/outlet"] = i => [Id(i.GetProperty("article").GetProperty("outlet"))],
        ["stances/article"] = i => [Id(i.GetProperty("article"))],
        ["stances/year"] = i => [Year(i.GetProperty("article").GetProperty("published"))],
        ["stances/voiceKind"] = i => [i.GetProperty("author") is { ValueKind: JsonValueKind.Object } voice ? voice.GetProperty("kind").GetString() : null],
        ["stances/attribution"] = i => [i.GetProperty("attribution") is { ValueKind: JsonValueKind.Object } a ? a.GetProperty("kind").GetString() : null],
        ["stances/heldYear"] = i => [Year(i.GetProperty("heldAt"))],
        ["stances/method"] = i => [i.NullableString("method")],
        ["stances/curator"] = i => [i.NullableString("curator")],
        ["stances/confidence"] = i => [i.NullableString("confidence")],
        ["authors/kind"] = i => [i.GetProperty("kind").GetString()],
        ["outlets/country"] = i => [i.GetProperty("country").GetString()],
        ["outlets/kind"] = i => [i.GetProperty("kind").GetString()],
        ["search/kind"] = i => [i.GetProperty("kind").GetString()],
    };

    public static TheoryData<string, string> Cases => new()
    {
        // list (with its filters), facet
        { "/v1/articles", "outlet" }, { "/v1/articles", "author" }, { "/v1/articles", "language" }, { "/v1/articles", "genre" }, { "/v1/articles", "year" },
        { "/v1/articles?language=en&from=2024-01-01", "outlet" }, { "/v1/articles?outlet=outlet-001", "author" }, { "/v1/articles?q=generated", "year" },
        { "/v1/outlets/outlet-002/articles", "year" },
        { "/v1/stances", "position" }, { "/v1/stances", "topic" }, { "/v1/stances", "author" }, { "/v1/stances", "outlet" }, { "/v1/stances", "year" },
        { "/v1/stances?position=supports&position=mixed", "article" }, { "/v1/topics/topic-001/stances", "author" }, { "/v1/stances?q=russia", "position" },
        { "/v1/outlets", "country" }, { "/v1/outlets?kind=news-site", "kind" },
        // Who holds a position, how its words reach us, when it was held and how it was read: the seed's stances say,
        // the rows added without those fields count as null.
        { "/v1/stances", "voiceKind" }, { "/v1/stances", "attribution" }, { "/v1/stances", "heldYear" }, { "/v1/stances", "confidence" },
        { "/v1/stances?heldFrom=2025-01-01", "attribution" }, { "/v1/stances?attribution=quoted&attribution=reported", "heldYear" },
        { "/v1/stances?voiceKind=person&voiceKind=institution", "method" }, { "/v1/topics/aliyev-course-independent-of-moscow/stances", "heldYear" },
        { "/v1/stances?confidence=medium", "curator" }, { "/v1/authors", "kind" }, { "/v1/authors?topic=baku-moscow-rift-is-permanent", "kind" },
        { "/v1/search?q=generated%20OR%20russia", "kind" },
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task Facet_counts_equal_a_full_walk_of_the_filtered_list(string url, string facet)
    {
        var collection = url.Split('?')[0].Split('/')[^1];
        if (collection is not ("articles" or "stances" or "outlets" or "authors" or "search")) collection = url.Contains("/stances") ? "stances" : "articles";
        var extract = Extractors[$"{collection}/{facet}"];

        var expected = new Dictionary<string, long>();
        JsonElement? facets = null;
        string? cursor = null;
        do
        {
            var page = await app.GetJsonAsync(url + (url.Contains('?') ? "&" : "?") + $"facet={facet}&facetLimit={Facet.MaxLimit}&limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            facets ??= page.GetProperty("facets").GetProperty(facet);
            Assert.Equal(facets.Value.GetRawText(), page.GetProperty("facets").GetProperty(facet).GetRawText()); // the same on every page
            foreach (var item in page.GetProperty("items").EnumerateArray())
            foreach (var value in extract(item))
                expected[value ?? "(null)"] = expected.GetValueOrDefault(value ?? "(null)") + 1;
            cursor = page.NullableString("nextCursor");
        } while (cursor is not null);

        var actual = facets!.Value.EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString() ?? "(null)", v => v.GetProperty("count").GetInt64());
        Assert.NotEmpty(actual);
        Assert.Equal(expected.OrderBy(e => e.Key), actual.OrderBy(a => a.Key));
        var counts = facets.Value.EnumerateArray().Select(v => v.GetProperty("count").GetInt64()).ToList();
        Assert.Equal(counts.OrderDescending(), counts); // most frequent first
        Assert.True(actual.Count < Facet.MaxLimit, "the case must list every value for the walk to compare them all");
        var other = (await app.GetJsonAsync(url + (url.Contains('?') ? "&" : "?") + $"facet={facet}&facetLimit={Facet.MaxLimit}&limit=1")).GetProperty("facetOther").GetProperty(facet);
        Assert.Equal(0, other.GetProperty("values").GetInt64());
        Assert.Equal(0, other.GetProperty("count").GetInt64());
    }

    private static List<(string? Value, string? Label, long Count)> Values(JsonElement page, string facet) =>
        page.GetProperty("facets").GetProperty(facet).EnumerateArray()
            .Select(v => (v.NullableString("value"), v.NullableString("label"), v.GetProperty("count").GetInt64())).ToList();

    [Theory]
    [InlineData("/v1/stances", "article", 7)]
    [InlineData("/v1/stances", "author", 3)]
    [InlineData("/v1/stances?position=supports&position=mixed", "topic", 4)]
    [InlineData("/v1/stances", "outlet", 2)]
    [InlineData("/v1/articles", "outlet", 1)]
    [InlineData("/v1/articles?language=en", "year", 2)]
    public async Task The_top_values_and_the_rest_equal_a_full_recount(string url, string facet, int facetLimit)
    {
        var join = url.Contains('?') ? "&" : "?";
        var all = Values(await app.GetJsonAsync($"{url}{join}facet={facet}&facetLimit={Facet.MaxLimit}&limit=1"), facet);
        Assert.True(all.Count > facetLimit, $"the case needs more than {facetLimit} values; it has {all.Count}");

        var page = await app.GetJsonAsync($"{url}{join}facet={facet}&facetLimit={facetLimit}&count=true&limit=1");
        var top = Values(page, facet);
        Assert.Equal(all.Take(facetLimit), top);
        var other = page.GetProperty("facetOther").GetProperty(facet);
        Assert.Equal(all.Count - facetLimit, other.GetProperty("values").GetInt64());
        Assert.Equal(all.Skip(facetLimit).Sum(v => v.Count), other.GetProperty("count").GetInt64());
        // A single-valued facet places every item in exactly one value: listed plus left out is the whole filtered collection.
        Assert.Equal(page.GetProperty("total").GetInt64(), top.Sum(v => v.Count) + other.GetProperty("count").GetInt64());
    }

    [Theory]
    [InlineData("/v1/stances", "author", "author")]
    [InlineData("/v1/stances", "topic", "topic")]
    [InlineData("/v1/topics/topic-001/stances", "position", "position")]
    [InlineData("/v1/articles", "author", "author")]
    [InlineData("/v1/articles?language=en", "outlet", "outlet")]
    public async Task Each_listed_value_counts_what_filtering_by_it_counts(string url, string facet, string filter)
    {
        var join = url.Contains('?') ? "&" : "?";
        var top = Values(await app.GetJsonAsync($"{url}{join}facet={facet}&facetLimit=5&limit=1"), facet);
        Assert.True(top.Count > 1, "the case needs several values");
        foreach (var (value, _, count) in top.Where(v => v.Value is not null))
            Assert.Equal(count, (await app.GetJsonAsync($"{url}{join}{filter}={value}&count=true&limit=1")).GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("/v1/stances?facet=article")]
    [InlineData("/v1/stances?facet=author&facetLimit=1000")]
    [InlineData("/v1/articles?facet=year")]
    public async Task Values_come_most_frequent_first_then_by_value(string url)
    {
        var facet = url.Split("facet=")[1].Split('&')[0];
        var values = Values(await app.GetJsonAsync(url + "&limit=1"), facet);
        Assert.True(values.Count > 1);
        // SQLite orders NULL before every text, and text by its bytes: ordinal order.
        var expected = values.OrderByDescending(v => v.Count).ThenBy(v => v.Value is not null).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, values);
    }

    /// <summary>Stances of one topic, and nothing else, take their position, author and outlet facets from the topic's
    /// tallies; the same stances with a filter that keeps them all are counted row by row. Both must give the same values,
    /// labels, counts and rest, for every topic, on the collection and under the topic.</summary>
    [Fact]
    public async Task A_topics_facets_read_from_its_tallies_equal_a_count_of_its_stances()
    {
        var codec = new CursorCodec(new byte[32]);
        var tallied = ListRequest.Parse(new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
            { ["topic"] = "baku-moscow-rift-is-permanent", ["facet"] = "author" }), Stances.StanceQueries.Collection, null, codec, out var errors);
        Assert.Empty(errors);
        Assert.Contains("topic_tallies", CollectionReader.FacetQuery(tallied, tallied.Facets[0], null).Sql);

        const string everyPosition = "&position=supports&position=opposes&position=mixed&position=neutral";
        var topics = (await app.GetJsonAsync("/v1/topics?limit=100")).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();
        Assert.True(topics.Count > 60);
        foreach (var topic in topics)
        foreach (var facet in new[] { "position", "author", "outlet" })
        foreach (var limit in new[] { 2, Facet.MaxLimit })
        {
            var query = $"facet={facet}&facetLimit={limit}&limit=1";
            var counted = await app.GetJsonAsync($"/v1/stances?topic={topic}{everyPosition}&{query}");
            foreach (var url in new[] { $"/v1/stances?topic={topic}&{query}", $"/v1/topics/{topic}/stances?{query}" })
            {
                var page = await app.GetJsonAsync(url);
                Assert.Equal(counted.GetProperty("facets").GetProperty(facet).GetRawText(), page.GetProperty("facets").GetProperty(facet).GetRawText());
                Assert.Equal(counted.GetProperty("facetOther").GetProperty(facet).GetRawText(), page.GetProperty("facetOther").GetProperty(facet).GetRawText());
            }
        }
    }

    [Fact]
    public async Task A_facet_lists_thirty_values_unless_told_otherwise()
    {
        await using var archive = new ArchiveApp();
        await using (var connection = await archive.OpenAsync())
        {
            // 45 more voices, each holding one stance: more authors than a facet lists by default.
            var (topic, article) = await connection.QuerySingleAsync<(string, string)>("SELECT topic_id, article_id FROM stances LIMIT 1");
            await connection.ExecuteAsync("INSERT INTO authors (id, name) VALUES (@id, @id)", Enumerable.Range(0, 45).Select(i => new { id = $"voice-{i:00}" }));
            await connection.ExecuteAsync("""
                INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary)
                VALUES (@id, @topic, @article, @id, 'supports', 'Generated', 0, 9, 'A summary.')
                """, Enumerable.Range(0, 45).Select(i => new { id = $"voice-{i:00}", topic, article }));
        }
        var all = Values(await archive.GetJsonAsync($"/v1/stances?facet=author&facetLimit={Facet.MaxLimit}&limit=1"), "author");
        Assert.True(all.Count > Facet.DefaultLimit);

        var page = await archive.GetJsonAsync("/v1/stances?facet=author&limit=1");
        Assert.Equal(all.Take(Facet.DefaultLimit), Values(page, "author"));
        Assert.Equal(all.Count - Facet.DefaultLimit, page.GetProperty("facetOther").GetProperty("author").GetProperty("values").GetInt64());
        Assert.Equal(all.Take(1), Values(await archive.GetJsonAsync("/v1/stances?facet=author&facetLimit=1&limit=1"), "author"));
    }

    [Theory]
    [InlineData("/v1/stances?facet=article&facetLimit=0")]
    [InlineData("/v1/stances?facet=article&facetLimit=1001")]
    [InlineData("/v1/stances?facet=article&facetLimit=-1")]
    [InlineData("/v1/stances?facet=article&facetLimit=ten")]
    [InlineData("/v1/stances?facet=article&facetLimit=5&facetLimit=6")]
    [InlineData("/v1/topics?facetLimit=5")]
    public async Task A_facet_limit_out_of_bounds_or_on_a_collection_without_facets_is_a_400_naming_facetLimit(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, "facetLimit");
    }

    [Fact]
    public async Task A_facet_limit_without_a_facet_limits_nothing_as_Swagger_UI_sends_its_default()
    {
        var page = await app.GetJsonAsync($"/v1/stances?facetLimit={Facet.DefaultLimit}&limit=2");
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.False(page.TryGetProperty("facets", out var facets) && facets.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task Labels_are_the_names_of_the_listed_values()
    {
        var page = await app.GetJsonAsync("/v1/stances?facet=topic&facet=author&facet=outlet&facet=article&limit=1");
        foreach (var (facet, resource, name) in new[] { ("topic", "topics", "title"), ("author", "authors", "name"), ("outlet", "outlets", "name"), ("article", "articles", "title") })
        foreach (var (value, label, _) in Values(page, facet))
        {
            if (value is null) { Assert.Null(label); continue; }
            Assert.Equal((await app.GetJsonAsync($"/v1/{resource}/{value}")).GetProperty(name).GetString(), label);
        }
    }

    [Fact]
    public async Task Article_topic_facet_counts_the_articles_holding_a_stance_on_each_topic()
    {
        var page = await app.GetJsonAsync("/v1/articles?facet=topic&limit=1");
        foreach (var value in page.GetProperty("facets").GetProperty("topic").EnumerateArray())
        {
            var topic = value.GetProperty("value").GetString();
            var total = (await app.GetJsonAsync($"/v1/articles?topic={topic}&count=true&limit=1")).GetProperty("total").GetInt64();
            Assert.Equal(total, value.GetProperty("count").GetInt64());
        }
    }

    [Fact]
    public async Task Id_facets_carry_a_display_label()
    {
        var page = await app.GetJsonAsync("/v1/stances?facet=topic&facet=position&limit=1");
        Assert.All(page.GetProperty("facets").GetProperty("topic").EnumerateArray(), v => Assert.False(string.IsNullOrEmpty(v.GetProperty("label").GetString())));
        Assert.All(page.GetProperty("facets").GetProperty("position").EnumerateArray(), v => Assert.Equal(JsonValueKind.Null, v.GetProperty("label").ValueKind));
    }

    [Theory]
    [InlineData("/v1/articles?facet=colour")]
    [InlineData("/v1/authors?facet=name")]
    [InlineData("/v1/stances?facet=position&format=ndjson")]
    public async Task An_unknown_or_inapplicable_facet_is_a_400_naming_facet(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, "facet");
    }

    [Fact]
    public async Task Facets_are_absent_unless_asked_for()
    {
        Assert.False((await app.GetJsonAsync("/v1/stances?limit=1")).TryGetProperty("facets", out _));
        Assert.False((await app.GetJsonAsync("/v1/stances?limit=1")).TryGetProperty("facetOther", out _));
    }
}
