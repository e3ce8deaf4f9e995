using System.Net;

namespace PerspectivesApi.Tests.Explorer;

/// <summary>A page costs what the API request it is made from costs: reading a topic, an article or the home
/// page spends the default budget only; a search, from the search page or a topic page's q, spends the
/// expensive budget too; and a client over its budget gets a 429 page.</summary>
public sealed class ExplorerRateLimitTests(TightlyRateLimitedArchive app) : IClassFixture<TightlyRateLimitedArchive>
{
    [Fact]
    public async Task Pages_are_charged_like_their_API_requests_and_a_refusal_is_a_page()
    {
        var client = app.ClientAt("203.0.113.140");
        foreach (var url in new[] { "/", "/topics", "/topics/russia-losing-south-caucasus", "/articles/point-of-no-return-aslan-ismailov", "/authors/aslan-ismailov" })
        {
            using var cheap = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, cheap.StatusCode);
            Assert.Equal(TightlyRateLimitedArchive.Expensive, RateLimitAssert.Remaining(cheap, "expensive"));
        }
        var searches = new[] { "/search?q=diaspora", "/topics/russia-losing-south-caucasus?q=Russia" };
        for (var i = 0; i < TightlyRateLimitedArchive.Expensive; i++)
        {
            using var expensive = await client.GetAsync(searches[i % 2]);
            Assert.Equal(HttpStatusCode.OK, expensive.StatusCode);
            Assert.Equal(TightlyRateLimitedArchive.Expensive - 1 - i, RateLimitAssert.Remaining(expensive, "expensive"));
        }

        var refused = await client.GetPageAsync("/search?q=wombats", 429);
        Assert.Equal("Too many requests", refused.QuerySelector("h1")!.TextContent);
        using var retry = await client.GetAsync("/search?q=wombats");
        Assert.NotNull(retry.Headers.RetryAfter);
        // Reading is not searching: the topic page is still served.
        using var topic = await client.GetAsync("/topics/russia-losing-south-caucasus");
        Assert.Equal(HttpStatusCode.OK, topic.StatusCode);
    }
}
