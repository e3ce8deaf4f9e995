namespace PerspectivesApi.Tests;

/// <summary>Full-text queries have limits no honest query meets (length, terms, operators, prefixes and
/// their length): past one, every route that takes q answers a 400 naming q and saying which limit.</summary>
public sealed class SearchLimitTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private static string Join(string separator, string term, int count) =>
        Uri.EscapeDataString(string.Join(separator, Enumerable.Repeat(term, count)));

    public static TheoryData<string, string> OverTheLimits()
    {
        var data = new TheoryData<string, string>();
        var routes = new[] { "/v1/search", "/v1/articles", "/v1/stances", "/v1/topics/baku-moscow-rift-is-permanent/stances", "/v1/authors/aslan-ismailov/articles" };
        var queries = new (string Query, string Message)[]
        {
            (Uri.EscapeDataString(new string('x', 257)), "is 257 characters long; a search may be at most 256."),
            (Join(" OR ", "a*", 500), "is 2996 characters long; a search may be at most 256."),
            (Join(" OR ", "a*", 20), "has 20 terms; a search may have at most 16"),
            (Join(" ", "russia", 17), "has 17 terms; a search may have at most 16"),
            // 16 terms, but joined by more operators than terms allow.
            (Uri.EscapeDataString("russia OR NOT OR AND " + string.Join(" OR ", Enumerable.Repeat("baku", 15))), "operators; a search may have at most 15"),
            (Join(" OR ", "russ*", 9), "has 9 prefix terms (word*); a search may have at most 8."),
            (Uri.EscapeDataString("russia OR ba*"), "has the prefix 'ba*', with fewer than 3 letters before the *"),
            (Uri.EscapeDataString("\"point of n\"*"), "has the prefix 'point of n*', with fewer than 3 letters"),
            (Uri.EscapeDataString("a*"), "fewer than 3 letters before the *"),
        };
        foreach (var route in routes)
        foreach (var (query, message) in queries)
            data.Add($"{route}?q={query}", message);
        return data;
    }

    [Theory]
    [MemberData(nameof(OverTheLimits))]
    public async Task A_query_past_a_limit_is_a_400_naming_q_and_the_limit(string url, string message)
    {
        using var response = await app.CreateClient().GetAsync(url);
        var problem = await ProblemAssert.NamesParameterAsync(response, "q");
        Assert.Contains(message, problem.GetProperty("errors").GetProperty("q")[0].GetString());
    }

    [Theory]
    [InlineData("/v1/articles?q=Yekaterin*")]
    [InlineData("/v1/articles?q=%22point%20of%20no%20return%22%20OR%20%22Shusha%20Declaration%22")] // a phrase counts as one term
    [InlineData("/v1/articles?q=title%3A%20Putin")] // a column name is not a term
    [InlineData("/v1/articles?q=NEAR(Aliyev%20Putin%2C%2020)")] // nor is NEAR's distance
    [InlineData("/v1/articles?q=%22Erdo%C4%9F%22*")] // a prefix counts letters, accented or not
    [InlineData("/v1/stances?q=(rift%20OR%20break*)%20NOT%20Turkey")]
    public async Task Honest_queries_are_within_the_limits(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task A_query_at_every_limit_at_once_is_answered()
    {
        // 16 terms, 15 operators, 8 prefixes of exactly 3 letters: the most the limits allow.
        var q = Uri.EscapeDataString(string.Join(" OR ", Enumerable.Repeat("ukr*", 8).Concat(Enumerable.Repeat("baku", 8))));
        using var response = await app.CreateClient().GetAsync($"/v1/search?q={q}&count=true&facet=kind");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_limits_are_in_the_contract()
    {
        var document = await app.GetJsonAsync("/swagger/v1/swagger.json");
        var search = document.GetProperty("paths").GetProperty("/v1/search").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "q");
        var description = search.GetProperty("description").GetString()!;
        Assert.Contains("at most 256 characters", description);
        Assert.Contains("at most 16 terms", description);
        Assert.Contains("at most 8 of the terms may be prefixes, each with at least 3 letters", description);
    }
}
