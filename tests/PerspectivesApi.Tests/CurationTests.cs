using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Tests;

/// <summary>The service with every log message kept, to prove that keys never reach the logs.</summary>
public sealed class ArchiveWithLogs : ArchiveApp
{
    public ConcurrentQueue<string> Messages { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Default", "Trace");
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Messages)));
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> messages) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(messages);
        public void Dispose() { }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            messages.Enqueue(formatter(state, exception) + " " + state + " " + exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (_, value) in values) messages.Enqueue(value?.ToString() ?? "");
        }
    }
}

public sealed class CurationTests(ArchiveWithLogs app) : IClassFixture<ArchiveWithLogs>
{
    private async Task<HttpClient> CuratorAsync(string name)
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync(name + "-" + Guid.NewGuid().ToString("N")[..8]);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<EntityTagHeaderValue> ETagAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!;
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, object? body = null, EntityTagHeaderValue? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = Json(body);
        if (ifMatch is not null) request.Headers.IfMatch.Add(ifMatch);
        return request;
    }

    [Fact]
    public async Task Every_write_route_needs_a_valid_unrevoked_key()
    {
        _ = app.Services;
        var keys = app.Services.GetRequiredService<ApiKeys>();
        var (revoked, revokedSecret) = await keys.CreateAsync("revoked-" + Guid.NewGuid().ToString("N")[..8]);
        await keys.RevokeAsync(revoked.Name);

        var writes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Route: e.RoutePattern.RawText!)))
            .Where(e => e.Method is not ("GET" or "HEAD" or "OPTIONS"))
            .ToList();
        Assert.True(writes.Count >= 5, $"only {writes.Count} write routes are mapped");

        foreach (var (method, route) in writes)
        {
            var url = route.Replace("{id}", "georgia-today").Replace("{seq:long}", "1");
            foreach (var authorization in new string?[] { null, "Bearer pa_not-a-key", "Bearer " + revokedSecret, "Basic YWxpY2U6c2VjcmV0" })
            {
                using var request = Request(new HttpMethod(method), url, new { name = "X" });
                if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
                using var response = await app.CreateClient().SendAsync(request);
                await ProblemAssert.IsProblemAsync(response, 401);
                Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
            }
        }
        await using var connection = await app.OpenAsync();
        Assert.Equal("Georgia Today", await connection.ExecuteScalarAsync<string>("SELECT name FROM outlets WHERE id = 'georgia-today'"));
    }

    [Fact]
    public async Task Credits_are_listed_in_the_order_they_were_written_not_in_key_order()
    {
        // The credits are read in key order (article, author, role) and put in their written order in code:
        // written here against both the author ids' order and the roles'.
        var client = await CuratorAsync("credits");
        var written = new[] { ("vladimir-putin", "interviewee"), ("aslan-ismailov", "interviewer"), ("vazha-tavberidze", "author"), ("dmitry-peskov", "translator") };
        (await client.PostAsync("/v1/articles", Json(new
        {
            id = "credit-order-test", title = "Credit order", genre = "interview", language = "en", body = "Questions and answers.",
            credits = written.Select(c => new { author = c.Item1, role = c.Item2 }),
        }))).EnsureSuccessStatusCode();

        static List<(string, string)> Credits(JsonElement article) =>
            article.GetProperty("credits").EnumerateArray().Select(c => (c.GetProperty("author").GetProperty("id").GetString()!, c.GetProperty("role").GetString()!)).ToList();
        Assert.Equal(written, Credits(await app.GetJsonAsync("/v1/articles/credit-order-test")));
        var listed = (await app.GetJsonAsync("/v1/articles?language=en&limit=100")).GetProperty("items").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "credit-order-test");
        Assert.Equal(written, Credits(listed));
    }

    [Fact]
    public async Task A_created_resource_gets_a_derived_id_a_location_and_the_etag_a_get_returns()
    {
        var client = await CuratorAsync("alice");
        using var response = await client.PostAsync("/v1/outlets", Json(new { name = "Turan Information Agency", kind = "news-agency", country = "AZ" }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/v1/outlets/turan-information-agency", response.Headers.Location?.ToString());
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("news-agency", created.GetProperty("kind").GetString());
        Assert.Equal(response.Headers.ETag, await ETagAsync(client, "/v1/outlets/turan-information-agency"));
    }

    [Fact]
    public async Task Validation_lists_every_field_at_once_and_writes_nothing()
    {
        var client = await CuratorAsync("alice");
        await using var connection = await app.OpenAsync();
        var before = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outlets") + await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM revisions");

        using var response = await client.PostAsync("/v1/outlets", Json(new { id = "Bad Id!", name = "", kind = "tv", country = "ge", url = "ftp://example.org", colour = "red" }));
        var problem = await ProblemAssert.IsProblemAsync(response, 422);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["colour", "country", "id", "kind", "name", "url"], fields);
        Assert.Equal(before, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outlets") + await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM revisions"));
    }

    [Theory]
    [InlineData("{not json", 400)]
    [InlineData("[1, 2]", 400)]
    [InlineData("{\"name\": 5}", 422)]
    public async Task A_malformed_body_is_a_problem(string body, int status)
    {
        var client = await CuratorAsync("alice");
        using var response = await client.PostAsync("/v1/outlets", new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, status);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        var client = await CuratorAsync("alice");
        using var response = await client.PostAsync("/v1/outlets", new StringContent("name=X", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await ProblemAssert.IsProblemAsync(response, 415);
    }

    [Fact]
    public async Task Updates_need_if_match_and_a_stale_etag_is_refused()
    {
        var client = await CuratorAsync("alice");
        (await client.PostAsync("/v1/outlets", Json(new { id = "precondition-test", name = "Before" }))).EnsureSuccessStatusCode();
        var etag = await ETagAsync(client, "/v1/outlets/precondition-test");

        using (var noIfMatch = await client.SendAsync(Request(HttpMethod.Put, "/v1/outlets/precondition-test", new { name = "After" })))
            await ProblemAssert.IsProblemAsync(noIfMatch, 428);
        using (var deleteNoIfMatch = await client.SendAsync(Request(HttpMethod.Delete, "/v1/outlets/precondition-test")))
            await ProblemAssert.IsProblemAsync(deleteNoIfMatch, 428);
        using (var ok = await client.SendAsync(Request(HttpMethod.Patch, "/v1/outlets/precondition-test", new { name = "After" }, etag)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.NotEqual(etag, ok.Headers.ETag);
        }
        using (var stale = await client.SendAsync(Request(HttpMethod.Put, "/v1/outlets/precondition-test", new { name = "Lost update" }, etag)))
            await ProblemAssert.IsProblemAsync(stale, 412);
        Assert.Equal("After", (await app.GetJsonAsync("/v1/outlets/precondition-test")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Of_two_concurrent_updates_with_the_same_etag_exactly_one_wins()
    {
        var client = await CuratorAsync("alice");
        (await client.PostAsync("/v1/outlets", Json(new { id = "race-test", name = "Start" }))).EnsureSuccessStatusCode();
        var etag = await ETagAsync(client, "/v1/outlets/race-test");

        var attempts = Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            using var response = await client.SendAsync(Request(HttpMethod.Put, "/v1/outlets/race-test", new { name = $"Writer {i}" }, etag));
            return response.StatusCode;
        }));
        var statuses = await Task.WhenAll(attempts);
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task Ten_parallel_posts_with_one_idempotency_key_create_one_record()
    {
        var client = await CuratorAsync("alice");
        var key = Guid.NewGuid().ToString();
        var posts = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            using var request = Request(HttpMethod.Post, "/v1/outlets", new { id = "idempotent-outlet", name = "Idempotent" });
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), response.Headers.ETag);
        }));
        var results = await Task.WhenAll(posts);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(results.Select(r => r.Body).Distinct());

        await using var connection = await app.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM revisions WHERE resource_id = 'idempotent-outlet'"));

        using var other = Request(HttpMethod.Post, "/v1/outlets", new { id = "idempotent-outlet-2", name = "Another body" });
        other.Headers.Add("Idempotency-Key", key);
        using var reused = await client.SendAsync(other);
        var problem = await ProblemAssert.IsProblemAsync(reused, 422);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outlets WHERE id = 'idempotent-outlet-2'"));
    }

    [Fact]
    public async Task A_delete_then_a_restore_gives_back_the_same_resource()
    {
        var client = await CuratorAsync("alice");
        (await client.PostAsync("/v1/outlets", Json(new { id = "restore-test", name = "Restore Me", kind = "blog", country = "AZ", url = "https://example.org", description = "A test." }))).EnsureSuccessStatusCode();
        var before = (await app.GetJsonAsync("/v1/outlets/restore-test")).GetRawText();

        using (var deleted = await client.SendAsync(Request(HttpMethod.Delete, "/v1/outlets/restore-test", ifMatch: await ETagAsync(client, "/v1/outlets/restore-test"))))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var gone = await client.GetAsync("/v1/outlets/restore-test"))
            Assert.Contains("/v1/outlets/restore-test/revisions", (await ProblemAssert.IsProblemAsync(gone, 410)).GetProperty("detail").GetString());
        using (var reuse = await client.PostAsync("/v1/outlets", Json(new { id = "restore-test", name = "Squatter" })))
            await ProblemAssert.IsProblemAsync(reuse, 409);

        var revisions = (await app.GetJsonAsync("/v1/outlets/restore-test/revisions")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["create", "delete"], revisions.Select(r => r.GetProperty("action").GetString()));
        var deletion = revisions[^1];
        Assert.Equal(JsonValueKind.Null, deletion.GetProperty("after").ValueKind);
        using (var restored = await client.PostAsync($"/v1/outlets/restore-test/revisions/{deletion.GetProperty("seq").GetInt64()}/restore", null))
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(before, (await app.GetJsonAsync("/v1/outlets/restore-test")).GetRawText());
    }

    [Fact]
    public async Task Deleting_an_outlet_that_articles_name_is_a_409_and_changes_nothing()
    {
        var client = await CuratorAsync("alice");
        using var response = await client.SendAsync(Request(HttpMethod.Delete, "/v1/outlets/georgia-today", ifMatch: await ETagAsync(client, "/v1/outlets/georgia-today")));
        await ProblemAssert.IsProblemAsync(response, 409);
        Assert.Equal("Georgia Today", (await app.GetJsonAsync("/v1/outlets/georgia-today")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Reads_after_a_write_are_never_stale()
    {
        var client = await CuratorAsync("alice");
        var listEtag = await ETagAsync(client, "/v1/outlets?facet=kind");
        (await client.PostAsync("/v1/outlets", Json(new { id = "fresh-outlet", name = "Fresh", kind = "magazine" }))).EnsureSuccessStatusCode();

        using (var revalidate = new HttpRequestMessage(HttpMethod.Get, "/v1/outlets?facet=kind"))
        {
            revalidate.Headers.IfNoneMatch.Add(listEtag);
            using var response = await client.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // not a stale 304
        }
        var page = await app.GetJsonAsync("/v1/outlets?facet=kind&limit=100");
        Assert.Contains("fresh-outlet", page.Ids());
        Assert.Contains(page.GetProperty("facets").GetProperty("kind").EnumerateArray(), v => v.GetProperty("value").GetString() == "magazine");
        Assert.Contains("fresh-outlet", await client.GetStringAsync("/v1/outlets?format=csv"));
    }

    [Fact]
    public async Task Keys_never_reach_the_logs()
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync("logged-" + Guid.NewGuid().ToString("N")[..8]);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        (await client.PostAsync("/v1/outlets", Json(new { id = "log-test", name = "Log Test" }))).EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret + "x");
        await client.PostAsync("/v1/outlets", Json(new { name = "Refused" }));

        Assert.NotEmpty(app.Messages);
        Assert.DoesNotContain(app.Messages, m => m.Contains(secret[3..]));
    }

    [Fact]
    public async Task Keys_are_stored_only_as_hashes()
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync("hashed-" + Guid.NewGuid().ToString("N")[..8]);
        await using var connection = await app.OpenAsync();
        var stored = string.Join("|", await connection.QueryAsync<string>("SELECT name || secret_hash || prefix FROM api_keys"));
        Assert.DoesNotContain(secret, stored);
        Assert.DoesNotContain(secret[8..], stored);
    }

    public static TheoryData<string, string, string, string> Lifecycles => new()
    {
        // collection, creation body, a patch, an id that other resources refer to
        { "outlets", """{"name":"Lifecycle Outlet","kind":"blog"}""", """{"country":"AZ"}""", "georgia-today" },
        { "authors", """{"name":"Lifecycle Author","affiliation":"Analyst","kind":"person"}""", """{"affiliation":null}""", "aslan-ismailov" },
        { "topics", """{"title":"Lifecycle Topic","proposition":"Lifecycles are testable.","timeDependent":false}""", """{"description":"Context."}""", "baku-moscow-rift-is-permanent" },
        { "articles", """{"title":"Lifecycle Article","genre":"news","language":"en","body":"One paragraph.\n\nAnother one.","credits":[]}""",
          """{"outlet":"charter97","published":{"date":"2025","precision":"year","inferred":true,"reasoning":"Test."}}""", "point-of-no-return-aslan-ismailov" },
        { "stances", """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"A test stance."}""",
          """{"position":"supports"}""", "" },
    };

    [Theory, MemberData(nameof(Lifecycles))]
    public async Task Each_resource_can_be_created_patched_deleted_and_restored(string collection, string creation, string patch, string referenced)
    {
        var client = await CuratorAsync("bob");
        using var created = await client.PostAsync($"/v1/{collection}", new StringContent(creation, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var url = created.Headers.Location!.ToString();

        using (var patched = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, url)
               { Content = new StringContent(patch, Encoding.UTF8, "application/json"), Headers = { IfMatch = { created.Headers.ETag! } } }))
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var before = (await app.GetJsonAsync(url)).GetRawText();

        using (var deleted = await client.SendAsync(Request(HttpMethod.Delete, url, ifMatch: await ETagAsync(client, url))))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var gone = await client.GetAsync(url)) await ProblemAssert.IsProblemAsync(gone, 410);

        var revisions = (await app.GetJsonAsync(url + "/revisions")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["create", "update", "delete"], revisions.Select(r => r.GetProperty("action").GetString()));
        using (var restored = await client.PostAsync($"{url}/revisions/{revisions[^1].GetProperty("seq").GetInt64()}/restore", null))
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(before, (await app.GetJsonAsync(url)).GetRawText());

        if (referenced.Length == 0) return; // nothing refers to a stance
        using var blocked = await client.SendAsync(Request(HttpMethod.Delete, $"/v1/{collection}/{referenced}", ifMatch: await ETagAsync(client, $"/v1/{collection}/{referenced}")));
        await ProblemAssert.IsProblemAsync(blocked, 409);
    }

    [Fact]
    public async Task A_stance_quote_gets_its_offsets_from_the_body_and_must_be_the_articles_own_words()
    {
        var client = await CuratorAsync("carol");
        using var created = await client.PostAsync("/v1/stances", Json(new
        {
            id = "quote-test", topic = "russia-heading-for-collapse", article = "empire-collapsing-but-not-russia-denysenko",
            author = "vadym-denysenko", position = "opposes", quote = "Unfortunately, there will be no collapse of Russia in the near future.", summary = "No collapse soon.",
        }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stance = await app.GetJsonAsync("/v1/stances/quote-test");
        var body = (await app.GetJsonAsync("/v1/articles/empire-collapsing-but-not-russia-denysenko")).GetProperty("body").GetString()!;
        var runes = body.EnumerateRunes().ToArray();
        var quote = stance.GetProperty("quote");
        Assert.Equal(quote.GetProperty("text").GetString(),
            string.Concat(runes[quote.GetProperty("start").GetInt32()..quote.GetProperty("end").GetInt32()].Select(r => r.ToString())));

        foreach (var (text, start, end) in new (string, int?, int?)[] { ("Russia", null, null), ("Words nobody wrote.", null, null), ("Unfortunately", 0, 13) })
        {
            using var refused = await client.PostAsync("/v1/stances", Json(new
            {
                topic = "russia-heading-for-collapse", article = "empire-collapsing-but-not-russia-denysenko", position = "mixed", quote = text, start, end, summary = "x",
            }));
            var problem = await ProblemAssert.IsProblemAsync(refused, 422);
            Assert.True(problem.GetProperty("errors").TryGetProperty("quote", out _), problem.ToString());
        }
    }

    [Fact]
    public async Task A_stance_written_without_saying_how_it_was_read_is_the_curators_reading_of_a_position_held_when_the_article_appeared()
    {
        var client = await CuratorAsync("erin");
        using (var created = await client.PostAsync("/v1/stances", Json(new
        {
            id = "erin-reading", topic = "russia-heading-for-collapse", article = "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky",
            author = "ivan-preobrazhensky", position = "neutral", quote = "Its army is bogged down in Ukraine.", summary = "The army is bogged down.",
        }))) Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stance = await app.GetJsonAsync("/v1/stances/erin-reading");
        var curator = stance.GetProperty("curator").GetString()!;
        Assert.StartsWith("erin-", curator); // the key's name
        Assert.Equal("curated", stance.GetProperty("method").GetString());
        Assert.Equal("own-words", stance.GetProperty("attribution").GetProperty("kind").GetString()); // he wrote the piece
        Assert.Equal(("2025", "year"), (stance.GetProperty("heldAt").GetProperty("date").GetString(), stance.GetProperty("heldAt").GetProperty("precision").GetString()));
        Assert.Equal(JsonValueKind.Null, stance.GetProperty("confidence").ValueKind);

        // A reading below high confidence says why; a time held other than the article's says why too.
        using (var refused = await client.SendAsync(Request(HttpMethod.Patch, "/v1/stances/erin-reading",
                   new { confidence = "low", heldAt = new { date = "2025-07", precision = "month", reasoning = (string?)null } }, await ETagAsync(client, "/v1/stances/erin-reading"))))
        {
            var errors = (await ProblemAssert.IsProblemAsync(refused, 422)).GetProperty("errors");
            Assert.Equal(["heldAt.reasoning", "note"], errors.EnumerateObject().Select(e => e.Name).Order());
        }
        using (var patched = await client.SendAsync(Request(HttpMethod.Patch, "/v1/stances/erin-reading",
                   new { confidence = "low", note = "The army is not the proposition.", heldAt = new { date = "2025-07", precision = "month", reasoning = "Written in July 2025 (the Deutsche Welle original)." } },
                   await ETagAsync(client, "/v1/stances/erin-reading"))))
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Contains("erin-reading", (await app.GetJsonAsync($"/v1/stances?confidence=low&heldFrom=2025-07-01&heldTo=2025-07-31&curator={curator}")).Ids());
    }

    [Fact]
    public async Task An_article_body_change_that_would_break_a_quote_is_refused()
    {
        var client = await CuratorAsync("carol");
        var article = await app.GetJsonAsync("/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war");
        using var response = await client.SendAsync(Request(HttpMethod.Patch, "/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war",
            new { body = "A rewritten body." }, await ETagAsync(client, "/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war")));
        var problem = await ProblemAssert.IsProblemAsync(response, 422);
        Assert.Contains("stance", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Equal(article.GetProperty("body").GetString(), (await app.GetJsonAsync("/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war")).GetProperty("body").GetString());
    }

    [Fact]
    public async Task Deleting_an_article_with_stances_needs_cascade_and_records_every_deletion()
    {
        var client = await CuratorAsync("carol");
        (await client.PostAsync("/v1/articles", Json(new { id = "cascade-test", title = "Cascade", genre = "news", language = "en", body = "Words about wombats.", credits = new[] { new { author = "vadym-denysenko", role = "author" } } }))).EnsureSuccessStatusCode();
        (await client.PostAsync("/v1/stances", Json(new { id = "cascade-stance", topic = "russia-heading-for-collapse", article = "cascade-test", author = "vadym-denysenko", position = "neutral", quote = "wombats", summary = "x" }))).EnsureSuccessStatusCode();

        using (var refused = await client.SendAsync(Request(HttpMethod.Delete, "/v1/articles/cascade-test", ifMatch: await ETagAsync(client, "/v1/articles/cascade-test"))))
            await ProblemAssert.IsProblemAsync(refused, 409);
        using (var cascaded = await client.SendAsync(Request(HttpMethod.Delete, "/v1/articles/cascade-test?cascade=true", ifMatch: await ETagAsync(client, "/v1/articles/cascade-test"))))
            Assert.Equal(HttpStatusCode.NoContent, cascaded.StatusCode);

        using (var gone = await client.GetAsync("/v1/stances/cascade-stance")) await ProblemAssert.IsProblemAsync(gone, 410);
        var stanceHistory = (await app.GetJsonAsync("/v1/stances/cascade-stance/revisions")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("delete", stanceHistory[^1].GetProperty("action").GetString());
        Assert.Contains("cascade", stanceHistory[^1].GetProperty("note").GetString());
        Assert.Empty((await app.GetJsonAsync("/v1/search?q=wombats")).GetProperty("items").EnumerateArray());
    }
}
