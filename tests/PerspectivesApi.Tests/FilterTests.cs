using System.Text.Json;

namespace PerspectivesApi.Tests;

/// <summary>Every filter of every collection narrows to exactly the rows it names; every malformed
/// parameter is a 400 problem naming it.</summary>
public sealed class FilterTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private async Task<List<string>> IdsAsync(string url) => (await app.GetJsonAsync(url)).Ids().Order().ToList();

    [Theory]
    [InlineData("/v1/articles?outlet=georgia-today", "point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/articles?outlet=georgia-today&outlet=charter97", "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky,point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/articles?author=ivan-preobrazhensky", "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky")]
    [InlineData("/v1/articles?author=editorial-kremlin-fears-russia-azerbaijan-brink-of-war", "kremlin-fears-russia-azerbaijan-brink-of-war")]
    // Credits say who made a piece: a voice only quoted in it (Peskov) is not one of its makers.
    [InlineData("/v1/articles?author=dmitry-peskov", "")]
    [InlineData("/v1/articles?genre=interview", "point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/articles?genre=editorial&genre=column", "empire-collapsing-but-not-russia-denysenko,putin-aliyev-what-is-this-game")]
    [InlineData("/v1/articles?language=en&genre=interview", "point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/articles?language=de", "")]
    [InlineData("/v1/articles?to=2024-12-31", "putin-aliyev-what-is-this-game")]
    // A year-precise date (2025: the Charter97 copy, Denysenko's column) only matches when the whole year is in range.
    [InlineData("/v1/articles?from=2025-07-01&to=2025-07-31", "kremlin-fears-russia-azerbaijan-brink-of-war,point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/articles?from=2025-07-05&to=2025-07-31", "kremlin-fears-russia-azerbaijan-brink-of-war")]
    [InlineData("/v1/articles?from=2025-01-01&to=2025-12-31", "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky,empire-collapsing-but-not-russia-denysenko,kremlin-fears-russia-azerbaijan-brink-of-war,point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/outlets/charter97/articles", "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky")]
    [InlineData("/v1/authors/aslan-ismailov/articles", "point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/outlets?country=DE", "deutsche-welle")]
    [InlineData("/v1/outlets?kind=newspaper", "georgia-today")]
    [InlineData("/v1/authors?article=empire-collapsing-but-not-russia-denysenko", "vadym-denysenko")]
    [InlineData("/v1/authors?article=point-of-no-return-aslan-ismailov", "aslan-ismailov,kremlin,russian-television,sergey-lavrov,vazha-tavberidze")]
    [InlineData("/v1/authors?kind=institution&kind=group", "kremlin,russian-pro-war-bloggers,russian-television")]
    [InlineData("/v1/authors?kind=editorial", "editorial-kremlin-fears-russia-azerbaijan-brink-of-war,editorial-putin-aliyev-what-is-this-game")]
    [InlineData("/v1/authors?topic=diaspora-pressure-effective-lever", "aslan-ismailov,ivan-preobrazhensky,vadym-denysenko")]
    [InlineData("/v1/topics?author=dmitry-peskov", "baku-moscow-rift-is-permanent")]
    [InlineData("/v1/topics?article=putin-aliyev-what-is-this-game&author=dmitry-peskov", "")]
    [InlineData("/v1/topics?article=putin-aliyev-what-is-this-game&author=aslan-ismailov", "aliyev-course-independent-of-moscow,kremlin-aims-to-restore-empire,russia-can-coerce-azerbaijan-militarily,russia-let-azerbaijan-retake-karabakh-by-choice,russia-losing-south-caucasus,russia-obstacle-to-armenia-azerbaijan-peace,turkey-decisive-power-in-south-caucasus")]
    public async Task Filter_selects_exactly_the_matching_rows(string url, string expected)
    {
        var want = expected.Length == 0 ? [] : expected.Split(',').Order().ToList();
        Assert.Equal(want, await IdsAsync(url));
    }

    [Fact]
    public async Task Article_topic_filter_matches_the_articles_of_that_topics_stances()
    {
        var stances = await app.GetJsonAsync("/v1/topics/diaspora-pressure-effective-lever/stances?limit=100");
        var expected = stances.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("article").GetProperty("id").GetString()!).Distinct().Order().ToList();
        Assert.True(expected.Count >= 2);
        Assert.Equal(expected, await IdsAsync("/v1/articles?topic=diaspora-pressure-effective-lever"));
    }

    [Theory]
    [InlineData("topic", "baku-moscow-rift-is-permanent")]
    [InlineData("article", "kremlin-fears-russia-azerbaijan-brink-of-war")]
    [InlineData("author", "aslan-ismailov")]
    [InlineData("position", "opposes")]
    public async Task Stance_filters_keep_only_stances_with_that_value(string filter, string value)
    {
        var page = await app.GetJsonAsync($"/v1/stances?{filter}={value}&limit=100");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            var actual = filter == "position" ? item.GetProperty("position").GetString() : item.GetProperty(filter).GetProperty("id").GetString();
            Assert.Equal(value, actual);
        }
        var all = (await app.GetJsonAsync("/v1/stances?limit=100")).GetProperty("items").EnumerateArray()
            .Count(i => (filter == "position" ? i.GetProperty("position").GetString() : i.GetProperty(filter).ValueKind == JsonValueKind.Null ? null : i.GetProperty(filter).GetProperty("id").GetString()) == value);
        Assert.Equal(all, items.Count);
    }

    [Theory]
    [InlineData("attribution=reported", 6)]
    [InlineData("attribution=quoted&attribution=reported", 13)]
    [InlineData("voiceKind=institution&voiceKind=group", 5)]
    [InlineData("via=aslan-ismailov", 4)]
    [InlineData("heldTo=2022-12-31", 9)]
    [InlineData("heldFrom=2025-07-01&heldTo=2025-07-31", 47)]
    [InlineData("heldFrom=2025-01-01", 62)]
    [InlineData("method=curated&curator=seed-corpus", 71)]
    [InlineData("confidence=medium&confidence=low", 34)]
    [InlineData("conditional=true", 1)]
    [InlineData("conditional=false&voiceKind=editorial", 14)]
    [InlineData("heldTo=2022-12-31&attribution=reported&position=opposes", 1)]
    public async Task Stance_filters_on_voice_attribution_time_and_reading_keep_exactly_the_stances_that_say_so(string query, int count)
    {
        // Checked against what each stance itself says, as every other client would read it.
        var all = (await app.GetJsonAsync("/v1/stances?limit=100")).GetProperty("items").EnumerateArray().ToList();
        var filters = query.Split('&').Select(p => p.Split('=')).GroupBy(p => p[0], p => p[1]).ToDictionary(g => g.Key, g => g.ToHashSet());
        var expected = all.Where(s => filters.All(f => Matches(s, f.Key, f.Value))).Select(s => s.GetProperty("id").GetString()!).Order().ToList();
        Assert.Equal(count, expected.Count);
        Assert.Equal(expected, await IdsAsync($"/v1/stances?{query}&limit=100"));
        var total = (await app.GetJsonAsync($"/v1/stances?{query}&count=true&limit=1")).GetProperty("total").GetInt64();
        Assert.Equal(count, total);
    }

    private static bool Matches(JsonElement stance, string filter, HashSet<string> values)
    {
        string? Text(params string[] path)
        {
            var element = stance;
            foreach (var step in path)
            {
                if (element.ValueKind != JsonValueKind.Object) return null;
                element = element.GetProperty(step);
            }
            return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        }
        var held = stance.GetProperty("heldAt");
        (string Start, string End)? period = held.ValueKind == JsonValueKind.Null ? null : PeriodOf(held.GetProperty("date").GetString()!, held.GetProperty("precision").GetString()!);
        return filter switch
        {
            "attribution" => values.Contains(Text("attribution", "kind") ?? ""),
            "voiceKind" => values.Contains(Text("author", "kind") ?? ""),
            "via" => values.Contains(Text("attribution", "via", "id") ?? ""),
            "method" or "curator" or "confidence" or "position" => values.Contains(Text(filter) ?? ""),
            "conditional" => values.Contains(stance.GetProperty("condition").ValueKind == JsonValueKind.Null ? "false" : "true"),
            "heldFrom" => period is { } p && string.CompareOrdinal(p.Start, values.Single()) >= 0,
            "heldTo" => period is { } q && string.CompareOrdinal(q.End, values.Single()) <= 0,
            _ => throw new ArgumentException(filter),
        };
    }

    /// <summary>The first and last day of a date at its precision.</summary>
    private static (string Start, string End) PeriodOf(string date, string precision) => precision switch
    {
        "day" => (date, date),
        "month" => (date + "-01", DateOnly.ParseExact(date + "-01", "yyyy-MM-dd").AddMonths(1).AddDays(-1).ToString("yyyy-MM-dd")),
        _ => (date + "-01-01", date + "-12-31"),
    };

    [Fact]
    public async Task Stance_outlet_filter_follows_the_article()
    {
        var page = await app.GetJsonAsync("/v1/stances?outlet=georgia-today&limit=100");
        Assert.NotEmpty(page.GetProperty("items").EnumerateArray());
        Assert.All(page.GetProperty("items").EnumerateArray(), s => Assert.Equal("georgia-today", s.GetProperty("article").GetProperty("outlet").GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Sort_orders_the_list_both_ways()
    {
        var ascending = (await app.GetJsonAsync("/v1/articles?sort=published")).GetProperty("items").EnumerateArray()
            .Select(a => a.GetProperty("published").GetProperty("date").GetString()!).ToList();
        Assert.Equal(ascending.Order(StringComparer.Ordinal).ToList(), ascending);
        var descending = (await app.GetJsonAsync("/v1/articles")).Ids().ToList();
        Assert.Equal("kremlin-fears-russia-azerbaijan-brink-of-war", descending[0]);
        Assert.Equal("putin-aliyev-what-is-this-game", descending[^1]);
        var titles = (await app.GetJsonAsync("/v1/articles?sort=-title")).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("title").GetString()!).ToList();
        Assert.Equal(titles.OrderDescending(StringComparer.Ordinal).ToList(), titles);
    }

    [Theory]
    [InlineData("/v1/articles?limit=0", "limit")]
    [InlineData("/v1/articles?limit=101", "limit")]
    [InlineData("/v1/articles?limit=1000", "limit")]
    [InlineData("/v1/articles?limit=abc", "limit")]
    [InlineData("/v1/articles?limit=-5", "limit")]
    [InlineData("/v1/articles?limit=10&limit=20", "limit")]
    [InlineData("/v1/articles?from=yesterday", "from")]
    [InlineData("/v1/articles?to=2025-02-30", "to")]
    [InlineData("/v1/articles?from=2025-08-01&to=2025-07-01", "to")]
    [InlineData("/v1/articles?sort=popularity", "sort")]
    [InlineData("/v1/articles?sort=--title", "sort")]
    [InlineData("/v1/articles?genre=poetry", "genre")]
    [InlineData("/v1/articles?outlet=Georgia_Today", "outlet")]
    [InlineData("/v1/articles?language=English", "language")]
    [InlineData("/v1/articles?count=yes", "count")]
    [InlineData("/v1/articles?cursor=not-a-cursor", "cursor")]
    [InlineData("/v1/articles?outlets=georgia-today", "outlets")]
    [InlineData("/v1/outlets/georgia-today/articles?outlet=charter97", "outlet")]
    [InlineData("/v1/stances?position=agrees", "position")]
    [InlineData("/v1/stances?sort=published", "sort")]
    [InlineData("/v1/topics/baku-moscow-rift-is-permanent/stances?limit=0", "limit")]
    [InlineData("/v1/authors?topic=x_y", "topic")]
    [InlineData("/v1/outlets?country=ge", "country")]
    [InlineData("/v1/outlets?kind=tv", "kind")]
    [InlineData("/v1/topics?article=", "article")]
    [InlineData("/v1/stances?attribution=paraphrased", "attribution")]
    [InlineData("/v1/stances?voiceKind=robot", "voiceKind")]
    [InlineData("/v1/stances?via=Aslan_Ismailov", "via")]
    [InlineData("/v1/stances?heldFrom=2025", "heldFrom")]
    [InlineData("/v1/stances?heldFrom=2025-08-01&heldTo=2025-07-01", "heldTo")]
    [InlineData("/v1/stances?heldTo=2025-07-01&heldTo=2025-08-01", "heldTo")]
    [InlineData("/v1/stances?method=guessed", "method")]
    [InlineData("/v1/stances?confidence=certain", "confidence")]
    [InlineData("/v1/stances?conditional=maybe", "conditional")]
    [InlineData("/v1/stances?facet=heldMonth", "facet")]
    [InlineData("/v1/stances?sort=-heldAt", "sort")]
    [InlineData("/v1/authors?kind=robot", "kind")]
    public async Task Malformed_parameter_is_a_400_problem_naming_it(string url, string parameter)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, parameter);
    }

    [Fact]
    public async Task Every_bad_parameter_is_reported_at_once()
    {
        using var response = await app.CreateClient().GetAsync("/v1/articles?limit=0&from=soon&genre=poetry");
        var problem = await ProblemAssert.IsProblemAsync(response, 400);
        var named = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["from", "genre", "limit"], named);
    }
}
