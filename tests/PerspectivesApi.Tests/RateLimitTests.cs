using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using PerspectivesApi.Curation;
using PerspectivesApi.Http;

namespace PerspectivesApi.Tests;

/// <summary>The service with rate limiting on, at its defaults. TestServer requests have no client
/// address: a test picks one with the <see cref="ClientAddressHeader"/> header, which a test-only
/// startup filter turns into the connection's remote address before anything else runs.</summary>
public class RateLimitedArchive : ArchiveApp
{
    public const string ClientAddressHeader = "X-Test-Client-Address";

    protected override bool RateLimited => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
    }

    /// <summary>A client whose requests come from <paramref name="address"/>.</summary>
    public HttpClient ClientAt(string address, string? key = null) => ClientAt(this, address, key);

    public static HttpClient ClientAt(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app, string address, string? key = null)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(ClientAddressHeader, address);
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<string> NewKeyAsync() =>
        (await Services.GetRequiredService<ApiKeys>().CreateAsync("limited-" + Guid.NewGuid().ToString("N")[..8])).Secret;

    private sealed class ClientAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(ClientAddressHeader, out var address))
                    http.Connection.RemoteIpAddress = IPAddress.Parse(address!);
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}

/// <summary>Small budgets that never refill during a test, so that a test can spend one exactly.</summary>
public sealed class TightlyRateLimitedArchive : RateLimitedArchive
{
    public const int Requests = 40, Expensive = 5, AuthFailures = 3, ExportsPerClient = 2, ExportsTotal = 3;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (budget, quota) in new[] { ("Default", Requests), ("Expensive", Expensive), ("AuthFailures", AuthFailures) })
        {
            builder.UseSetting($"RateLimiting:{budget}:Quota", quota.ToString());
            builder.UseSetting($"RateLimiting:{budget}:Burst", quota.ToString());
            builder.UseSetting($"RateLimiting:{budget}:WindowSeconds", "36000");
        }
        builder.UseSetting("RateLimiting:Exports:PerClient", ExportsPerClient.ToString());
        builder.UseSetting("RateLimiting:Exports:Total", ExportsTotal.ToString());
    }
}

public static class RateLimitAssert
{
    /// <summary>The <c>r</c> of <paramref name="policy"/> in the RateLimit header.</summary>
    public static int Remaining(HttpResponseMessage response, string policy)
    {
        Assert.True(response.Headers.TryGetValues("RateLimit", out var values), $"no RateLimit header on a {(int)response.StatusCode}");
        var header = string.Join(", ", values);
        var match = Regex.Match(header, $"\"{Regex.Escape(policy)}\";r=(\\d+);t=(\\d+)");
        Assert.True(match.Success, $"the RateLimit header has no '{policy}' item: {header}");
        return int.Parse(match.Groups[1].Value);
    }

    public static string Policy(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("RateLimit-Policy", out var values), $"no RateLimit-Policy header on a {(int)response.StatusCode}");
        return string.Join(", ", values);
    }

    /// <summary>A 429 problem naming <paramref name="budget"/>, with a Retry-After in whole seconds and the RateLimit headers.</summary>
    public static async Task IsRefusalAsync(HttpResponseMessage response, string budget)
    {
        var problem = await ProblemAssert.IsProblemAsync(response, 429);
        Assert.Equal(Refusal.Type, problem.GetProperty("type").GetString());
        Assert.Equal(budget, problem.GetProperty("budget").GetString());
        Assert.Contains("Retry in", problem.GetProperty("detail").GetString());
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: >= 1 }, $"Retry-After must be a number of seconds, 1 or more: {response.Headers.RetryAfter}");
        Assert.Contains(((int)retryAfter!.Value.TotalSeconds).ToString(), problem.GetProperty("detail").GetString());
        Assert.Contains("\"default\";q=", Policy(response));
        Remaining(response, "default");
    }
}

/// <summary>The limiter at its documented defaults.</summary>
public sealed class RateLimitDefaultsTests(RateLimitedArchive app) : IClassFixture<RateLimitedArchive>
{
    [Fact]
    public async Task A_burst_over_the_default_budget_gets_429_problems_with_Retry_After_and_the_RateLimit_headers()
    {
        var client = app.ClientAt("203.0.113.10");
        var options = new RateLimitingOptions();
        int served = 0;
        HttpResponseMessage? refused = null;
        // A cached list page: the answers served from the response cache are counted too.
        for (var i = 0; i < 5_000 && refused is null; i++)
        {
            var response = await client.GetAsync("/v1/articles?limit=1");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("\"default\";q=600;w=60", RateLimitAssert.Policy(response));
                served++;
                response.Dispose();
            }
        }
        Assert.NotNull(refused);
        Assert.True(served >= options.Default.Burst, $"only {served} requests were served before the first 429; the burst is {options.Default.Burst}");
        await RateLimitAssert.IsRefusalAsync(refused, ArchiveRateLimiter.DefaultPolicy);
        Assert.Equal(0, RateLimitAssert.Remaining(refused, "default"));
        Assert.Equal("\"default\";q=600;w=60, \"expensive\";q=60;w=60, \"auth-failures\";q=10;w=60", RateLimitAssert.Policy(refused));
        refused.Dispose();
    }

    [Fact]
    public async Task A_client_under_its_budget_never_gets_a_429_and_sees_what_is_left_go_down()
    {
        var client = app.ClientAt("203.0.113.11");
        var first = -1;
        var last = -1;
        var urls = new[] { "/v1/articles?limit=5", "/v1/outlets", "/v1/topics/summary", "/v1/stances?limit=100", "/v1/authors" };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 300; i++)
        {
            using var response = await client.GetAsync(urls[i % urls.Length]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            last = RateLimitAssert.Remaining(response, "default");
            if (first < 0) first = last;
        }
        // A few expensive requests, well inside their own budget.
        foreach (var url in new[] { "/v1/search?q=gas", "/v1/articles?count=true", "/v1/stances?facet=position", "/v1/stances?format=csv" })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.InRange(RateLimitAssert.Remaining(response, "expensive"), 0, 19);
        }
        var refilled = (int)Math.Ceiling(clock.Elapsed.TotalSeconds * 10) + 1; // 10 a second
        Assert.InRange(first, 590, 599);
        // 303 more requests spent (4 expensive ones included), give or take what refilled meanwhile.
        using var after = await client.GetAsync("/v1/outlets");
        last = RateLimitAssert.Remaining(after, "default");
        Assert.True(last < first && last <= first - 304 + refilled, $"remaining went from {first} to {last} over 304 requests in {clock.Elapsed}");
    }

    [Fact]
    public async Task A_thousand_wrong_keys_in_a_row_get_429s_and_then_even_a_right_key_from_that_address_waits()
    {
        var attacker = app.ClientAt("198.51.100.66");
        var statuses = new Dictionary<HttpStatusCode, int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 1_000; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, "/v1/outlets/no-such-outlet");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"pa_guess{i:0000}");
            using var response = await attacker.SendAsync(request);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }
        // The burst of 10, and at most what refilled (one every 6 s) while the loop ran.
        Assert.InRange(statuses.GetValueOrDefault(HttpStatusCode.Unauthorized), 10, 11 + (int)(clock.Elapsed.TotalSeconds / 6));
        Assert.Equal(1_000, statuses.GetValueOrDefault(HttpStatusCode.Unauthorized) + statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests));

        using var withRightKey = await app.ClientAt("198.51.100.66", await app.NewKeyAsync()).GetAsync("/v1/articles?limit=1");
        await ProblemAssert.IsProblemAsync(withRightKey, 429);
        using var elsewhere = await app.ClientAt("198.51.100.67", await app.NewKeyAsync()).GetAsync("/v1/articles?limit=1");
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }
}

/// <summary>The limiter with small budgets, each test from its own addresses.</summary>
public sealed class RateLimitTests(TightlyRateLimitedArchive app) : IClassFixture<TightlyRateLimitedArchive>
{
    [Fact]
    public async Task Each_request_takes_one_from_the_budget_and_the_headers_say_so_on_every_kind_of_answer()
    {
        var client = app.ClientAt("192.0.2.1");
        var expected = TightlyRateLimitedArchive.Requests;

        using var page = await client.GetAsync("/v1/articles?limit=2");
        Assert.Equal(--expected, RateLimitAssert.Remaining(page, "default"));
        Assert.Equal(TightlyRateLimitedArchive.Expensive, RateLimitAssert.Remaining(page, "expensive"));
        Assert.Equal($"\"default\";q=40;w=36000, \"expensive\";q=5;w=36000, \"auth-failures\";q=3;w=36000", RateLimitAssert.Policy(page));

        using var cached = await client.GetAsync("/v1/articles?limit=2"); // served from the response cache
        Assert.Equal(--expected, RateLimitAssert.Remaining(cached, "default"));

        using var article = await client.GetAsync("/v1/articles?limit=1");
        var id = (await article.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).Ids().Single();
        --expected;
        using var resource = await client.GetAsync($"/v1/articles/{id}");
        Assert.Equal(--expected, RateLimitAssert.Remaining(resource, "default"));
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/v1/articles/{id}");
        conditional.Headers.IfNoneMatch.Add(resource.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(--expected, RateLimitAssert.Remaining(notModified, "default"));

        using var missing = await client.GetAsync("/v1/articles/no-such-article");
        await ProblemAssert.IsProblemAsync(missing, 404);
        Assert.Equal(--expected, RateLimitAssert.Remaining(missing, "default"));
        using var badParameter = await client.GetAsync("/v1/articles?limit=0");
        await ProblemAssert.IsProblemAsync(badParameter, 400);
        Assert.Equal(--expected, RateLimitAssert.Remaining(badParameter, "default"));
        using var noRoute = await client.GetAsync("/v2/nothing");
        await ProblemAssert.IsProblemAsync(noRoute, 404);
        Assert.Equal(--expected, RateLimitAssert.Remaining(noRoute, "default"));

        // Spend the rest: the last one leaves 0, the next is refused.
        while (expected > 0)
        {
            using var response = await client.GetAsync("/v1/outlets");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(--expected, RateLimitAssert.Remaining(response, "default"));
        }
        // Refused, in a way a web page can read: CORS lets it see the status, Retry-After and the RateLimit headers.
        using var fromPage = new HttpRequestMessage(HttpMethod.Get, "/v1/outlets");
        fromPage.Headers.Add("Origin", "https://example.org");
        using var refused = await client.SendAsync(fromPage);
        await RateLimitAssert.IsRefusalAsync(refused, ArchiveRateLimiter.DefaultPolicy);
        Assert.Equal(0, RateLimitAssert.Remaining(refused, "default"));
        Assert.Equal("*", refused.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = string.Join(",", refused.Headers.GetValues("Access-Control-Expose-Headers")).Split(',').Select(h => h.Trim());
        Assert.Subset(exposed.ToHashSet(StringComparer.OrdinalIgnoreCase), new HashSet<string>(["RateLimit", "RateLimit-Policy", "Retry-After"]));
    }

    [Fact]
    public async Task Expensive_requests_have_their_own_budget_and_cheap_reads_go_on_when_it_is_spent()
    {
        var client = app.ClientAt("192.0.2.2");
        string[] expensive = ["/v1/search?q=gas", "/v1/articles?q=pipeline", "/v1/stances?facet=position", "/v1/articles?count=true", "/v1/topics?format=ndjson"];
        for (var i = 0; i < expensive.Length; i++)
        {
            using var response = await client.GetAsync(expensive[i]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(TightlyRateLimitedArchive.Expensive - 1 - i, RateLimitAssert.Remaining(response, "expensive"));
        }
        foreach (var url in expensive.Append("/v1/export/archive.sqlite"))
        {
            using var refused = await client.GetAsync(url);
            await RateLimitAssert.IsRefusalAsync(refused, ArchiveRateLimiter.ExpensivePolicy);
            Assert.Equal(0, RateLimitAssert.Remaining(refused, "expensive"));
        }
        using var csvByAccept = new HttpRequestMessage(HttpMethod.Get, "/v1/outlets");
        csvByAccept.Headers.Accept.ParseAdd("text/csv");
        await RateLimitAssert.IsRefusalAsync(await client.SendAsync(csvByAccept), ArchiveRateLimiter.ExpensivePolicy);

        foreach (var url in new[] { "/v1/articles", "/v1/outlets?sort=name", "/v1/topics/summary", "/v1/stances?format=json", "/v1/articles?count=false" })
        {
            using var cheap = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, cheap.StatusCode);
            Assert.Equal(0, RateLimitAssert.Remaining(cheap, "expensive"));
        }
    }

    [Fact]
    public async Task Exports_streaming_at_once_are_capped_per_client_and_for_the_archive()
    {
        var first = app.ClientAt("192.0.2.3");
        var second = app.ClientAt("192.0.2.4");
        // Streams the client does not read hold their slots: the server waits for the client to read.
        var held = new List<HttpResponseMessage>();
        for (var i = 0; i < TightlyRateLimitedArchive.ExportsPerClient; i++)
            held.Add(await OpenExportAsync(first));

        using (var refused = await first.GetAsync("/v1/export/archive.sqlite", HttpCompletionOption.ResponseHeadersRead))
            await RateLimitAssert.IsRefusalAsync(refused, ArchiveRateLimiter.ExportsPolicy);
        held.Add(await OpenExportAsync(second)); // the archive's last slot
        using (var refused = await second.GetAsync("/v1/stances?format=csv", HttpCompletionOption.ResponseHeadersRead))
            await RateLimitAssert.IsRefusalAsync(refused, ArchiveRateLimiter.AllExportsPolicy);

        // A finished export gives its slots back.
        held[0].Dispose();
        var attempt = 0;
        await WaitForAsync(async () =>
        {
            // Each attempt from its own address: a refused attempt still spends its client's expensive budget.
            using var response = await app.ClientAt($"192.0.2.{100 + attempt++}").GetAsync("/v1/outlets?format=ndjson");
            return response.StatusCode == HttpStatusCode.OK;
        });
        foreach (var response in held) response.Dispose();
    }

    private static async Task<HttpResponseMessage> OpenExportAsync(HttpClient client)
    {
        var response = await client.GetAsync("/v1/export/archive.sqlite", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("the condition never held");
    }

    [Fact]
    public async Task Failed_authentications_spend_the_address_s_budget_and_then_its_requests_with_keys_are_refused()
    {
        var key = await app.NewKeyAsync();
        for (var i = 0; i < TightlyRateLimitedArchive.AuthFailures; i++)
        {
            using var response = await app.ClientAt("192.0.2.5", "pa_wrong" + i).DeleteAsync("/v1/outlets/no-such-outlet");
            await ProblemAssert.IsProblemAsync(response, 401);
            Assert.Equal(TightlyRateLimitedArchive.AuthFailures - 1 - i, RateLimitAssert.Remaining(response, "auth-failures"));
        }
        using (var refused = await app.ClientAt("192.0.2.5", "pa_wrong-again").DeleteAsync("/v1/outlets/no-such-outlet"))
            await RateLimitAssert.IsRefusalAsync(refused, ArchiveRateLimiter.AuthFailuresPolicy);
        // A right key from that address learns nothing until the budget refills...
        using (var refused = await app.ClientAt("192.0.2.5", key).DeleteAsync("/v1/outlets/no-such-outlet"))
            await RateLimitAssert.IsRefusalAsync(refused, ArchiveRateLimiter.AuthFailuresPolicy);
        // ...while reading without a key, and the same key from elsewhere, go on.
        using (var anonymous = await app.ClientAt("192.0.2.5").GetAsync("/v1/outlets"))
            Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        using (var curator = await app.ClientAt("192.0.2.6", key).DeleteAsync("/v1/outlets/no-such-outlet"))
        {
            await ProblemAssert.IsProblemAsync(curator, 404); // authenticated: the write itself answers
            Assert.Equal(TightlyRateLimitedArchive.AuthFailures, RateLimitAssert.Remaining(curator, "auth-failures"));
        }
    }

    [Fact]
    public async Task Clients_have_separate_budgets_by_address_by_IPv6_network_and_by_curator_key()
    {
        var key = await app.NewKeyAsync();
        await SpendDefaultBudgetAsync(app.ClientAt("192.0.2.7"));
        using (var refused = await app.ClientAt("192.0.2.7").GetAsync("/v1/outlets"))
            await RateLimitAssert.IsRefusalAsync(refused, ArchiveRateLimiter.DefaultPolicy);

        using (var neighbour = await app.ClientAt("192.0.2.8").GetAsync("/v1/outlets"))
            Assert.Equal(TightlyRateLimitedArchive.Requests - 1, RateLimitAssert.Remaining(neighbour, "default"));
        // An IPv4 client reaching a dual-stack socket arrives as an IPv4-mapped IPv6 address: the same client.
        using (var mapped = await app.ClientAt("::ffff:192.0.2.7").GetAsync("/v1/outlets"))
            await RateLimitAssert.IsRefusalAsync(mapped, ArchiveRateLimiter.DefaultPolicy);
        using (var mappedNeighbour = await app.ClientAt("::ffff:192.0.2.8").GetAsync("/v1/outlets"))
            Assert.Equal(TightlyRateLimitedArchive.Requests - 2, RateLimitAssert.Remaining(mappedNeighbour, "default"));
        // A curator is charged to the key, not to the address it calls from.
        using (var curator = await app.ClientAt("192.0.2.7", key).GetAsync("/v1/outlets"))
        {
            Assert.Equal(HttpStatusCode.OK, curator.StatusCode);
            Assert.Equal(TightlyRateLimitedArchive.Requests - 1, RateLimitAssert.Remaining(curator, "default"));
        }
        using (var sameKeyElsewhere = await app.ClientAt("192.0.2.9", key).GetAsync("/v1/outlets"))
            Assert.Equal(TightlyRateLimitedArchive.Requests - 2, RateLimitAssert.Remaining(sameKeyElsewhere, "default"));

        // An IPv6 client holds a whole /64: its addresses share one budget, the next network has its own.
        await SpendDefaultBudgetAsync(app.ClientAt("2001:db8:0:1::1"));
        using (var sameNetwork = await app.ClientAt("2001:db8:0:1:ffff::2").GetAsync("/v1/outlets"))
            await RateLimitAssert.IsRefusalAsync(sameNetwork, ArchiveRateLimiter.DefaultPolicy);
        using (var otherNetwork = await app.ClientAt("2001:db8:0:2::1").GetAsync("/v1/outlets"))
            Assert.Equal(HttpStatusCode.OK, otherNetwork.StatusCode);
    }

    private static async Task SpendDefaultBudgetAsync(HttpClient client)
    {
        for (var i = 0; i < TightlyRateLimitedArchive.Requests; i++)
        {
            using var response = await client.GetAsync("/v1/outlets");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task X_Forwarded_For_is_ignored_from_a_client_and_believed_from_a_configured_proxy()
    {
        // A client cannot get a fresh budget by writing a new X-Forwarded-For on every request.
        var spoofer = app.ClientAt("192.0.2.10");
        for (var i = 0; i < TightlyRateLimitedArchive.Requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/outlets");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}");
            using var response = await spoofer.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/outlets"))
        {
            request.Headers.Add("X-Forwarded-For", "198.51.100.200");
            await RateLimitAssert.IsRefusalAsync(await spoofer.SendAsync(request), ArchiveRateLimiter.DefaultPolicy);
        }

        // Behind a configured proxy, each forwarded client has its own budget.
        using var proxied = app.WithWebHostBuilder(builder => builder.UseSetting("ForwardedHeaders:KnownProxies:0", "10.0.0.1"));
        var proxy = RateLimitedArchive.ClientAt(proxied, "10.0.0.1");
        for (var i = 0; i < TightlyRateLimitedArchive.Requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/outlets");
            request.Headers.Add("X-Forwarded-For", "198.51.100.1");
            using var response = await proxy.SendAsync(request);
            Assert.Equal(TightlyRateLimitedArchive.Requests - 1 - i, RateLimitAssert.Remaining(response, "default"));
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/outlets"))
        {
            request.Headers.Add("X-Forwarded-For", "198.51.100.1");
            await RateLimitAssert.IsRefusalAsync(await proxy.SendAsync(request), ArchiveRateLimiter.DefaultPolicy);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/outlets"))
        {
            request.Headers.Add("X-Forwarded-For", "198.51.100.2");
            using var response = await proxy.SendAsync(request);
            Assert.Equal(TightlyRateLimitedArchive.Requests - 1, RateLimitAssert.Remaining(response, "default"));
        }
        // The proxy's own requests, without the header, are the proxy's budget.
        using (var own = await proxy.GetAsync("/v1/outlets"))
            Assert.Equal(TightlyRateLimitedArchive.Requests - 1, RateLimitAssert.Remaining(own, "default"));
    }

    [Fact]
    public async Task Health_probes_are_never_refused()
    {
        var probe = app.ClientAt("192.0.2.11");
        await SpendDefaultBudgetAsync(probe);
        for (var i = 0; i < 5; i++)
        {
            using var response = await probe.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}

/// <summary>With RateLimiting:Enabled=false (the shared fixture's setting) nothing is refused and no
/// RateLimit headers are sent.</summary>
public sealed class RateLimitOffTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    [Fact]
    public async Task Off_nothing_is_refused_and_no_RateLimit_headers_are_sent()
    {
        var client = app.CreateClient();
        for (var i = 0; i < 1_000; i++)
        {
            using var response = await client.GetAsync(i % 10 == 0 ? "/v1/search?q=gas" : "/v1/articles?limit=1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("RateLimit"));
            Assert.False(response.Headers.Contains("RateLimit-Policy"));
        }
    }
}

/// <summary>The classifier alone: what each kind of request costs.</summary>
public sealed class RequestCostTests
{
    [Theory]
    [InlineData("GET", "/v1/articles", "", null, RequestCost.Cheap)]
    [InlineData("GET", "/v1/articles/some-id", "", null, RequestCost.Cheap)]
    [InlineData("GET", "/v1/articles", "?limit=100&sort=-published&outlet=x", null, RequestCost.Cheap)]
    [InlineData("GET", "/v1/articles", "?count=false", null, RequestCost.Cheap)]
    [InlineData("GET", "/v1/articles", "?format=json", "text/csv", RequestCost.Cheap)]
    [InlineData("GET", "/v1/articles", "", "application/json, text/csv;q=0.5", RequestCost.Cheap)]
    [InlineData("GET", "/v1/articles", "", "text/html,application/xhtml+xml,*/*;q=0.8", RequestCost.Cheap)]
    [InlineData("GET", "/v1/topics/summary", "", null, RequestCost.Cheap)]
    [InlineData("POST", "/v1/search", "?q=gas", null, RequestCost.Cheap)]
    [InlineData("GET", "/swagger/v1/swagger.json", "?q=x", null, RequestCost.Cheap)]
    [InlineData("GET", "/v1/search", "?q=gas", null, RequestCost.Expensive)]
    [InlineData("GET", "/v1/search", "", null, RequestCost.Expensive)]
    [InlineData("GET", "/v1/articles", "?q=gas", null, RequestCost.Expensive)]
    [InlineData("GET", "/v1/topics/x/stances", "?q=", null, RequestCost.Expensive)]
    [InlineData("GET", "/v1/stances", "?facet=position&facet=topic", null, RequestCost.Expensive)]
    [InlineData("GET", "/v1/articles", "?count=true", null, RequestCost.Expensive)]
    [InlineData("HEAD", "/v1/articles", "?count=TRUE", null, RequestCost.Expensive)]
    [InlineData("GET", "/v1/articles", "?format=csv", null, RequestCost.Export)]
    [InlineData("GET", "/v1/articles", "?format=ndjson", null, RequestCost.Export)]
    [InlineData("GET", "/v1/articles", "?format=parquet", null, RequestCost.Export)]
    [InlineData("GET", "/v1/outlets/x/articles", "", "text/csv", RequestCost.Export)]
    [InlineData("GET", "/v1/stances", "", "application/x-ndjson", RequestCost.Export)]
    [InlineData("GET", "/v1/stances", "?q=gas", "application/x-ndjson", RequestCost.Export)]
    [InlineData("GET", "/v1/export/archive.sqlite", "", null, RequestCost.Export)]
    [InlineData("GET", "/v1/stances", "", "application/vnd.apache.parquet", RequestCost.Export)]
    [InlineData("GET", "/v1/export/tables", "", null, RequestCost.Cheap)]
    [InlineData("GET", "/v1/export/tables/stances.parquet", "", null, RequestCost.Export)]
    [InlineData("HEAD", "/v1/export/tables/articles.csv", "?limit=5", null, RequestCost.Export)]
    [InlineData("GET", "/v1/export/tables/no-such-table.csv", "", null, RequestCost.Export)]
    [InlineData("GET", "/v1/topics/summary", "?format=csv", null, RequestCost.Export)]
    [InlineData("GET", "/v1/topics/x/summary", "", "application/vnd.apache.parquet", RequestCost.Export)]
    public void Classify(string method, string path, string query, string? accept, RequestCost expected)
    {
        var parsed = new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));
        Assert.Equal(expected, RequestCosts.Classify(method, new PathString(path), parsed, accept is null ? StringValues.Empty : new StringValues(accept)));
    }
}

/// <summary>Settings are checked at start-up, and budgets of any size work.</summary>
public sealed class RateLimitSettingsTests
{
    [Theory]
    [InlineData("RateLimiting:Expensive:Quota", "0", "RateLimiting:Expensive")]
    [InlineData("RateLimiting:Exports:Total", "0", "RateLimiting:Exports")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.example", "ForwardedHeaders:KnownProxies")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0", "ForwardedHeaders:KnownNetworks")]
    public void A_wrong_setting_stops_the_start_naming_it(string key, string value, string named)
    {
        using var app = new ArchiveApp();
        using var configured = app.WithWebHostBuilder(builder => builder.UseSetting(key, value));
        var error = Assert.ThrowsAny<Exception>(() => configured.Services);
        Assert.Contains(named, error.ToString());
    }

    [Fact]
    public void A_budget_far_above_a_thousand_a_second_refills_in_batches()
    {
        var huge = new Budget { Quota = 1_000_000_000, WindowSeconds = 1, Burst = 1_000_000_000 };
        using var limiter = new ArchiveRateLimiter(new RateLimitingOptions { Default = huge, Expensive = huge });
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/v1/search";
        using var lease = limiter.AttemptAcquire(http);
        Assert.True(lease.IsAcquired);
        Assert.True(huge.Bucket().ReplenishmentPeriod >= TimeSpan.FromMilliseconds(1));
    }
}
