using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PerspectivesApi.Tests;

/// <summary>List, detail, 404 and caching for every resource, over the seed corpus.</summary>
public sealed class ReadApiTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    public static TheoryData<string, string, string> Resources => new()
    {
        // collection, a known id, the resource's name in messages
        { "articles", "point-of-no-return-aslan-ismailov", "article" },
        { "authors", "aslan-ismailov", "author" },
        { "outlets", "georgia-today", "outlet" },
        { "topics", "baku-moscow-rift-is-permanent", "topic" },
        { "stances", "ismailov-rift-point-of-no-return", "stance" },
    };

    [Theory, MemberData(nameof(Resources))]
    public async Task Detail_returns_the_resource_with_a_strong_etag(string collection, string id, string _)
    {
        using var response = await app.CreateClient().GetAsync($"/v1/{collection}/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag!.IsWeak);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(id, body.GetProperty("id").GetString());
    }

    [Theory, MemberData(nameof(Resources))]
    public async Task Detail_answers_304_to_its_own_etag_and_200_to_another(string collection, string id, string _)
    {
        var client = app.CreateClient();
        using var first = await client.GetAsync($"/v1/{collection}/{id}");
        var etag = first.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/{collection}/{id}");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);

        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/v1/{collection}/{id}");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        using var modified = await client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
    }

    [Theory, MemberData(nameof(Resources))]
    public async Task Unknown_id_is_a_404_problem_naming_the_resource_and_id(string collection, string _, string resource)
    {
        using var response = await app.CreateClient().GetAsync($"/v1/{collection}/no-such-thing");
        var problem = await ProblemAssert.IsProblemAsync(response, 404);
        Assert.Contains(resource, problem.GetProperty("detail").GetString());
        Assert.Contains("no-such-thing", problem.GetProperty("detail").GetString());
        Assert.Equal($"/v1/{collection}/no-such-thing", problem.GetProperty("instance").GetString());
    }

    public static TheoryData<string, string, string, string> NestedLists => new()
    {
        // list, an existing parent, the parent's resource name, a filter its list has no item for
        { "topics/{0}/stances", "baku-moscow-rift-is-permanent", "topic", "author=no-such-voice" },
        { "articles/{0}/stances", "point-of-no-return-aslan-ismailov", "article", "position=neutral&position=mixed&author=no-such-voice" },
        { "authors/{0}/stances", "aslan-ismailov", "author", "topic=no-such-topic" },
        { "authors/{0}/articles", "aslan-ismailov", "author", "language=xx" },
        { "outlets/{0}/articles", "georgia-today", "outlet", "language=xx" },
    };

    [Theory, MemberData(nameof(NestedLists))]
    public async Task A_nested_list_of_an_unknown_parent_is_a_404_and_an_empty_page_of_a_known_one_is_a_200(string list, string parent, string resource, string nothing)
    {
        // The parent is looked up only when a page comes back empty: every way of asking for an empty page of a
        // missing parent must still be a 404, and an empty page of one that exists a 200.
        var client = app.CreateClient();
        foreach (var query in new[] { "", "?limit=1", "?" + nothing, "?count=true&facet=" + (list.EndsWith("stances") ? "position" : "language"), "?q=russia", "?format=csv" })
        {
            var missing = "/v1/" + string.Format(list, "no-such-parent") + query;
            using var response = await client.GetAsync(missing);
            var problem = await ProblemAssert.IsProblemAsync(response, 404);
            Assert.Contains(resource, problem.GetProperty("detail").GetString());
            Assert.Contains("no-such-parent", problem.GetProperty("detail").GetString());
        }
        var empty = await app.GetJsonAsync("/v1/" + string.Format(list, parent) + "?" + nothing + "&count=true");
        Assert.Empty(empty.Ids());
        Assert.Equal(0, empty.GetProperty("total").GetInt64());
        Assert.NotEmpty((await app.GetJsonAsync("/v1/" + string.Format(list, parent))).Ids());
    }

    [Theory, MemberData(nameof(Resources))]
    public async Task List_holds_every_stored_row_once(string collection, string id, string _)
    {
        var page = await app.GetJsonAsync($"/v1/{collection}?limit=100&count=true");
        var ids = page.Ids().ToList();
        await using var connection = await app.OpenAsync();
        var stored = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, $"SELECT count(*) FROM {collection}");
        Assert.Equal(stored, ids.Count);
        Assert.Equal(stored, page.GetProperty("total").GetInt64());
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains(id, ids);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Total_is_absent_unless_asked_for()
    {
        var page = await app.GetJsonAsync("/v1/articles");
        Assert.False(page.TryGetProperty("total", out _));
    }

    [Fact]
    public async Task Index_links_every_collection()
    {
        var index = await app.GetJsonAsync("/v1");
        var hrefs = index.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("href").GetString()!).ToList();
        Assert.Equal(["/v1/articles", "/v1/authors", "/v1/outlets", "/v1/topics", "/v1/stances", "/v1/search"], hrefs);
        foreach (var href in hrefs)
        {
            var url = href == "/v1/search" ? href + "?q=Azerbaijan" : href;
            Assert.True((await app.GetJsonAsync(url)).GetProperty("items").GetArrayLength() > 0, url);
        }
    }

    [Fact]
    public async Task Article_detail_carries_body_credits_outlet_provenance_and_stances()
    {
        var article = await app.GetJsonAsync("/v1/articles/point-of-no-return-aslan-ismailov");
        Assert.Equal("Georgia Today", article.GetProperty("outlet").GetProperty("name").GetString());
        Assert.Equal("2025-07-04", article.GetProperty("published").GetProperty("date").GetString());
        Assert.Equal("day", article.GetProperty("published").GetProperty("precision").GetString());
        Assert.False(article.GetProperty("published").GetProperty("inferred").GetBoolean());
        Assert.Equal("rfe-rl-georgian-service", article.GetProperty("republishedFrom").GetProperty("outlet").GetProperty("id").GetString());
        var credits = article.GetProperty("credits").EnumerateArray()
            .Select(c => (c.GetProperty("author").GetProperty("id").GetString(), c.GetProperty("role").GetString())).ToList();
        Assert.Equal([("vazha-tavberidze", "interviewer"), ("aslan-ismailov", "interviewee")], credits);
        Assert.StartsWith("He is one of Azerbaijan’s best-known lawyers", article.GetProperty("body").GetString());
        Assert.Equal("000_825315227a47cb2a.txt", article.GetProperty("provenance").GetProperty("sourceFile").GetString());
        Assert.Equal(["splice"], article.GetProperty("captureNotes").EnumerateArray().Select(n => n.GetProperty("kind").GetString()));
        var stances = article.GetProperty("stances").EnumerateArray().ToList();
        Assert.True(stances.Count >= 3);
        // Ismailov's own words, and the voices he quotes or reports, through him.
        foreach (var stance in stances)
        {
            var attribution = stance.GetProperty("attribution");
            if (stance.GetProperty("author").GetProperty("id").GetString() == "aslan-ismailov")
                Assert.Equal("own-words", attribution.GetProperty("kind").GetString());
            else
            {
                Assert.Contains(attribution.GetProperty("kind").GetString(), new[] { "quoted", "reported" });
                Assert.Equal("aslan-ismailov", attribution.GetProperty("via").GetProperty("id").GetString());
            }
        }
    }

    [Fact]
    public async Task Unsigned_article_has_a_null_outlet_and_its_editorial_voice_named_and_credited()
    {
        const string Voice = "editorial-putin-aliyev-what-is-this-game";
        var article = await app.GetJsonAsync("/v1/articles/putin-aliyev-what-is-this-game");
        Assert.Equal(JsonValueKind.Null, article.GetProperty("outlet").ValueKind);
        var credit = Assert.Single(article.GetProperty("credits").EnumerateArray());
        Assert.Equal((Voice, "editorial", "author"), (credit.GetProperty("author").GetProperty("id").GetString(),
            credit.GetProperty("author").GetProperty("kind").GetString(), credit.GetProperty("role").GetString()));
        Assert.True(article.GetProperty("published").GetProperty("inferred").GetBoolean());
        var stances = article.GetProperty("stances").EnumerateArray().ToList();
        Assert.All(stances, s => Assert.NotEqual(JsonValueKind.Null, s.GetProperty("author").ValueKind));
        // The editorial's own stances, and Putin's statement as the editorial reports it.
        Assert.All(stances.Where(s => s.GetProperty("author").GetProperty("id").GetString() == Voice),
            s => Assert.Equal("editorial", s.GetProperty("attribution").GetProperty("kind").GetString()));
        var putin = Assert.Single(stances, s => s.GetProperty("author").GetProperty("id").GetString() == "vladimir-putin");
        Assert.Equal(("reported", Voice), (putin.GetProperty("attribution").GetProperty("kind").GetString(),
            putin.GetProperty("attribution").GetProperty("via").GetProperty("id").GetString()));
        Assert.All(stances, s => Assert.Equal("2022-02-22", s.GetProperty("heldAt").GetProperty("date").GetString()));
        var author = await app.GetJsonAsync($"/v1/authors/{Voice}");
        Assert.Equal("editorial", author.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Stance_carries_its_topic_article_outlet_date_author_and_quote()
    {
        var stance = await app.GetJsonAsync("/v1/stances/ismailov-rift-point-of-no-return");
        Assert.Equal("baku-moscow-rift-is-permanent", stance.GetProperty("topic").GetProperty("id").GetString());
        Assert.Equal("georgia-today", stance.GetProperty("article").GetProperty("outlet").GetProperty("id").GetString());
        Assert.Equal("2025-07-04", stance.GetProperty("article").GetProperty("published").GetProperty("date").GetString());
        Assert.Equal("supports", stance.GetProperty("position").GetString());
        Assert.StartsWith("This is already the point of no return.", stance.GetProperty("quote").GetProperty("text").GetString());
        Assert.Equal("person", stance.GetProperty("author").GetProperty("kind").GetString());
        Assert.Equal("own-words", stance.GetProperty("attribution").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, stance.GetProperty("attribution").GetProperty("via").ValueKind);
        Assert.Equal(("2025-07-04", "day"), (stance.GetProperty("heldAt").GetProperty("date").GetString(), stance.GetProperty("heldAt").GetProperty("precision").GetString()));
        Assert.Equal(("curated", "seed-corpus", "high"), (stance.GetProperty("method").GetString(), stance.GetProperty("curator").GetString(), stance.GetProperty("confidence").GetString()));
        Assert.Equal(JsonValueKind.Null, stance.GetProperty("condition").ValueKind);
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_are_problems()
    {
        var client = app.CreateClient();
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/nothing-here"), 404);
        using var delete = await client.DeleteAsync("/v1/articles");
        await ProblemAssert.IsProblemAsync(delete, 405);
        Assert.Contains("GET", delete.Content.Headers.Allow);
        Assert.Contains("POST", delete.Content.Headers.Allow);
    }

    [Fact]
    public async Task Browsers_on_any_origin_may_read_and_see_etag_and_link()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/articles?limit=1");
        request.Headers.Add("Origin", "https://example.org");
        using var response = await app.CreateClient().SendAsync(request);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("ETag", exposed);
        Assert.Contains("Link", exposed);
    }

    [Fact]
    public async Task Health_is_live_and_ready()
    {
        var client = app.CreateClient();
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var ready = await app.GetJsonAsync("/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Swagger_ui_is_served_in_production()
    {
        using var response = await app.CreateClient().GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/articles/point-of-no-return-aslan-ismailov?fields=title", "fields")]
    [InlineData("/v1/outlets/georgia-today?limit=5", "limit")]
    [InlineData("/v1/topics/russia-heading-for-collapse/summary?voices=all", "voices")]
    [InlineData("/v1/topics/summary?topic=russia-heading-for-collapse", "topic")]
    public async Task A_document_refuses_query_parameters_as_lists_refuse_unknown_ones(string url, string parameter)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, parameter);
    }
}
