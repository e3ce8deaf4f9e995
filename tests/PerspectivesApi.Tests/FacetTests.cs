using System.Text.Json;

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
            var page = await app.GetJsonAsync(url + (url.Contains('?') ? "&" : "?") + $"facet={facet}&limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
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
    }
}
