using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Tests;

/// <summary>One validation per resource: a document refused by its routes is refused by
/// POST /v1/imports with the same messages (keyed by its place in the manifest), and nothing is
/// written either way; text fields hold plain text only.</summary>
public sealed class ValidationTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private async Task<HttpClient> CuratorAsync()
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync("validator-" + Guid.NewGuid().ToString("N")[..8]);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string WithId(string document, string id)
    {
        var node = JsonNode.Parse(document)!.AsObject();
        node["id"] = id;
        return node.ToJsonString();
    }

    /// <summary>Every table a write can touch, the history included.</summary>
    private async Task<string> SnapshotAsync()
    {
        await using var connection = await app.OpenAsync();
        var snapshot = new StringBuilder();
        foreach (var table in new[] { "outlets", "authors", "topics", "articles", "credits", "stances", "revisions" })
        foreach (var row in await connection.QueryAsync($"SELECT * FROM {table} ORDER BY 1, 2"))
            snapshot.Append(table).Append(JsonSerializer.Serialize((IDictionary<string, object>)row)).Append('\n');
        return snapshot.ToString();
    }

    /// <summary>The 422's errors, with <paramref name="prefix"/> taken off every key (each key must have it).</summary>
    private static async Task<SortedDictionary<string, string>> ErrorsAsync(HttpResponseMessage response, string prefix = "")
    {
        var problem = await ProblemAssert.IsProblemAsync(response, 422);
        var errors = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in problem.GetProperty("errors").EnumerateObject())
        {
            Assert.True(field.Name.StartsWith(prefix, StringComparison.Ordinal), $"'{field.Name}' is not under '{prefix}': {problem}");
            errors[field.Name[prefix.Length..]] = string.Join(" | ", field.Value.EnumerateArray().Select(m => m.GetString()));
        }
        return errors;
    }

    private static async Task<HttpResponseMessage> ReplaceAsync(HttpClient client, string url, string body)
    {
        using var current = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = Json(body) };
        request.Headers.IfMatch.Add(current.Headers.ETag!);
        return await client.SendAsync(request);
    }

    private const string Article = "putin-aliyev-what-is-this-game";

    public static TheoryData<string, string, string, string, string[]> InvalidDocuments => new()
    {
        // collection, a stored id (for PUT), a valid document, an invalid one, the fields it gets wrong
        { "outlets", "georgia-today", """{"name":"Valid Outlet"}""", """{"name":"X","url":"javascript:alert(1)"}""", ["url"] },
        { "outlets", "georgia-today", """{"name":"Valid Outlet"}""", $$"""{"name":"X","description":"{{new string('d', 5000)}}"}""", ["description"] },
        { "outlets", "georgia-today", """{"name":"Valid Outlet"}""", """{"name":"","kind":"tv","country":"ge","url":"ftp://example.org"}""", ["country", "kind", "name", "url"] },
        { "outlets", "georgia-today", """{"name":"Valid Outlet"}""", """{"name":"Nul\u0000Name","description":"Two\nlines"}""", ["description", "name"] },
        { "authors", "aslan-ismailov", """{"name":"Valid Author","kind":"person"}""", """{"name":null,"kind":"person","affiliation":"Escape \u001b[31m red"}""", ["affiliation", "name"] },
        { "authors", "aslan-ismailov", """{"name":"Valid Author","kind":"person"}""", $$"""{"name":"A\tB","kind":"person","affiliation":"{{new string('a', 501)}}"}""", ["affiliation", "name"] },
        // Every voice has a kind; only an editorial voice speaks for an outlet.
        { "authors", "aslan-ismailov", """{"name":"Valid Author","kind":"person"}""", """{"name":"No Kind"}""", ["kind"] },
        { "authors", "aslan-ismailov", """{"name":"Valid Author","kind":"person"}""", """{"name":"A Ministry","kind":"ministry","outlet":"no-such-outlet"}""", ["kind", "outlet"] },
        { "authors", "aslan-ismailov", """{"name":"Valid Author","kind":"person"}""", """{"name":"A Columnist","kind":"person","outlet":"georgia-today"}""", ["outlet"] },
        { "topics", "baku-moscow-rift-is-permanent", """{"title":"Valid","proposition":"Valid.","timeDependent":true}""", """{"title":"Only a title"}""", ["proposition", "timeDependent"] },
        { "topics", "baku-moscow-rift-is-permanent", """{"title":"Valid","proposition":"Valid.","timeDependent":true}""", $$"""{"title":"{{new string('t', 301)}}","proposition":"P\u007f","description":"Bell \u0007","timeDependent":false}""", ["description", "proposition", "title"] },
        { "articles", Article, """{"title":"Valid","genre":"news","language":"en","body":"Valid words.","credits":[]}""",
          """{"title":"T","genre":"poem","language":"english","body":"","credits":[{"author":"no-such-author","role":"editor"},null]}""",
          ["body", "credits[0].author", "credits[0].role", "credits[1]", "genre", "language"] },
        { "articles", Article, """{"title":"Valid","genre":"news","language":"en","body":"Valid words.","credits":[]}""",
          """{"title":"T","genre":"news","language":"en","url":"javascript:alert(1)","outlet":"no-such-outlet","published":{"date":"2025-13-01","precision":"day","inferred":false},"republishedFrom":{"outlet":null,"url":"data:text/html,x","note":null},"body":"Words","credits":[]}""",
          ["outlet", "published.date", "republishedFrom.url", "url"] },
        { "articles", Article, """{"title":"Valid","genre":"news","language":"en","body":"Valid words.","credits":[]}""",
          """{"title":"Title\u0000","genre":"news","language":"en","body":"A NUL \u0000 and a lone carriage return \r here.","credits":[]}""",
          ["body", "title"] },
        // Credits say who made the piece: 'quoted' is refused on a new credit; capture notes must be the body's text.
        { "articles", Article, """{"title":"Valid","genre":"news","language":"en","body":"Valid words.","credits":[]}""",
          """{"title":"T","genre":"news","language":"en","body":"Valid words.","credits":[{"author":"aslan-ismailov","role":"quoted"}],"captureNotes":[{"kind":"splice","start":0,"end":5,"text":"Other","note":"Not there."}],"republishedFrom":{"outlet":null,"url":null,"note":null,"published":{"date":"2025-7","precision":"month","inferred":true,"reasoning":"x"}}}""",
          ["captureNotes[0].text", "credits[0].role", "republishedFrom.published.date"] },
        { "stances", "ismailov-rift-point-of-no-return", """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"Valid."}""",
          """{"topic":"no-such-topic","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"maybe","quote":"Words nobody wrote.","summary":"x"}""",
          ["position", "quote", "topic"] },
        { "stances", "ismailov-rift-point-of-no-return", """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"Valid."}""",
          """{"topic":"russia-heading-for-collapse","article":"no-such-article","author":"Not An Id","position":"mixed","quote":"dying empire","summary":"A\u0000summary\nover lines"}""",
          ["article", "author", "summary"] },
        // A stance names its voice; relayed words say through whom; a time held other than the article's says why; a
        // reading below high confidence says why; methods and confidences are the vocabulary's.
        { "stances", "ismailov-rift-point-of-no-return", """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"Valid."}""",
          """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","position":"supports","quote":"dying empire","summary":"x"}""",
          ["author"] },
        { "stances", "ismailov-rift-point-of-no-return", """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"Valid."}""",
          """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"vladimir-putin","position":"supports","quote":"dying empire","summary":"x","attribution":{"kind":"quoted","via":null},"heldAt":{"date":"2021","precision":"year","reasoning":null},"method":"guessed","confidence":"low"}""",
          ["attribution.via", "heldAt.reasoning", "method", "note"] },
        { "stances", "ismailov-rift-point-of-no-return", """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"Valid."}""",
          """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"vladimir-putin","position":"supports","quote":"dying empire","summary":"x","attribution":{"kind":"editorial","via":"vladimir-putin"},"heldAt":{"date":"2022-02-30","precision":"day","reasoning":"A day that never was."},"confidence":"certain"}""",
          ["attribution.kind", "attribution.via", "confidence", "heldAt.date"] },
        // Words neither a maker's nor an editorial voice's must say how they reach us; a splice is not quoted.
        { "stances", "ismailov-rift-point-of-no-return", """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"Valid."}""",
          """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"aslan-ismailov","position":"supports","quote":"dying empire","summary":"x"}""",
          ["attribution"] },
        { "stances", "ismailov-rift-point-of-no-return", """{"topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"Valid."}""",
          """{"topic":"russia-heading-for-collapse","article":"point-of-no-return-aslan-ismailov","author":"aslan-ismailov","position":"supports","quote":"If Putin keeps stoking this","start":10801,"end":10828,"summary":"x"}""",
          ["quote"] },
    };

    [Theory, MemberData(nameof(InvalidDocuments))]
    public async Task A_document_the_routes_refuse_is_refused_by_an_import_with_the_same_messages_and_nothing_is_written(
        string collection, string storedId, string valid, string invalid, string[] fields)
    {
        var client = await CuratorAsync();
        var before = await SnapshotAsync();
        var newId = collection[..^1] + "-" + Guid.NewGuid().ToString("N")[..8];

        // A new record: POST, and the same document second in an import whose first record is valid.
        using var posted = await client.PostAsync($"/v1/{collection}", Json(WithId(invalid, newId)));
        var routeErrors = await ErrorsAsync(posted);
        Assert.Equal(fields, routeErrors.Keys);
        var manifest = $$"""{"{{collection}}":[{{WithId(valid, newId + "-valid")}},{{WithId(invalid, newId)}}]}""";
        using (var imported = await client.PostAsync("/v1/imports", Json(manifest)))
            Assert.Equal(routeErrors, await ErrorsAsync(imported, $"{collection}[1]."));

        // A stored record: PUT, and an import updating it.
        using var replaced = await ReplaceAsync(client, $"/v1/{collection}/{storedId}", WithId(invalid, storedId));
        var replaceErrors = await ErrorsAsync(replaced);
        Assert.Equal(fields, replaceErrors.Keys.Where(k => k != "body" || fields.Contains("body")));
        using (var imported = await client.PostAsync("/v1/imports", Json($$"""{"{{collection}}":[{{WithId(invalid, storedId)}}]}""")))
            Assert.Equal(replaceErrors, await ErrorsAsync(imported, $"{collection}[0]."));

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task An_import_refuses_the_javascript_url_and_the_long_description_a_put_refuses()
    {
        var client = await CuratorAsync();
        using var response = await client.PostAsync("/v1/imports", Json($$"""
            {"outlets":[{"id":"javascript-outlet","name":"Evil","url":"javascript:alert(1)","description":"{{new string('x', 5000)}}"}]}
            """));
        var errors = await ErrorsAsync(response);
        Assert.Equal("must be an absolute http(s) URL; got 'javascript:alert(1)'.", errors["outlets[0].url"]);
        Assert.Equal("must be at most 2000 characters; it has 5000.", errors["outlets[0].description"]);
        using var missing = await app.CreateClient().GetAsync("/v1/outlets/javascript-outlet");
        await ProblemAssert.IsProblemAsync(missing, 404);
    }

    [Fact]
    public async Task An_import_of_records_without_ids_is_a_422_naming_each_never_a_500()
    {
        var client = await CuratorAsync();
        var before = await SnapshotAsync();
        using var response = await client.PostAsync("/v1/imports", Json("""{"articles":[{},{}]}"""));
        var errors = await ErrorsAsync(response);
        Assert.Equal("is required: an import creates or updates the article with that id.", errors["articles[0].id"]);
        Assert.Equal("is required: an import creates or updates the article with that id.", errors["articles[1].id"]);
        Assert.Contains("articles[1].title", errors.Keys);
        Assert.Contains("articles[1].body", errors.Keys);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("outlets", """{"id":"twin","name":"Twin"}""")]
    [InlineData("authors", """{"id":"twin","name":"Twin","kind":"person"}""")]
    [InlineData("topics", """{"id":"twin","title":"Twin","proposition":"Twins exist.","timeDependent":false}""")]
    [InlineData("articles", """{"id":"twin","title":"Twin","genre":"news","language":"en","body":"Twin words.","credits":[]}""")]
    [InlineData("stances", """{"id":"twin","topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":"editorial-putin-aliyev-what-is-this-game","position":"mixed","quote":"dying empire","summary":"Twin."}""")]
    public async Task Duplicate_ids_in_an_import_are_a_422_naming_them(string collection, string document)
    {
        var client = await CuratorAsync();
        var before = await SnapshotAsync();
        using var response = await client.PostAsync("/v1/imports", Json($$"""{"{{collection}}":[{{document}},{{document}},{{document}}]}"""));
        var errors = await ErrorsAsync(response);
        Assert.Equal([$"{collection}[1].id", $"{collection}[2].id"], errors.Keys);
        Assert.Equal("'twin' appears more than once.", errors[$"{collection}[1].id"]);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_null_record_in_an_import_is_a_422_naming_its_place()
    {
        var client = await CuratorAsync();
        using var response = await client.PostAsync("/v1/imports", Json("""{"outlets":[null],"stances":[{"id":"null-stance"},null]}"""));
        var errors = await ErrorsAsync(response);
        Assert.Equal("must be an outlet, not null.", errors["outlets[0]"]);
        Assert.Equal("must be a stance, not null.", errors["stances[1]"]);
        Assert.Contains("stances[0].topic", errors.Keys);
    }

    [Fact]
    public async Task A_nul_in_a_name_is_a_422_naming_the_field_through_the_route_and_the_import()
    {
        var client = await CuratorAsync();
        const string expected = "must not contain control characters; found U+0000 at character 4.";
        using (var route = await client.PostAsync("/v1/authors", Json("""{"name":"Nul\u0000Name"}""")))
            Assert.Equal(expected, (await ErrorsAsync(route))["name"]);
        using (var import = await client.PostAsync("/v1/imports", Json("""{"authors":[{"id":"nul-name","name":"Nul\u0000Name"}]}""")))
            Assert.Equal(expected, (await ErrorsAsync(import))["authors[0].name"]);
        using (var single = await client.PostAsync("/v1/authors", Json("""{"name":"Line\nbreak"}""")))
            Assert.Equal("must be a single line without tabs; found U+000A at character 5.", (await ErrorsAsync(single))["name"]);
    }

    [Fact]
    public async Task Text_that_is_not_valid_unicode_is_refused_not_stored()
    {
        var client = await CuratorAsync();
        var before = await SnapshotAsync();
        // An unpaired surrogate (which UTF-8 cannot hold) and a noncharacter, in a name and in a body.
        using (var name = await client.PostAsync("/v1/authors", Json("""{"name":"Half \ud800 a pair"}""")))
        {
            // The JSON reader itself refuses to make a string of it; the field is named all the same.
            Assert.Equal(["name"], (await ErrorsAsync(name)).Keys);
        }
        using (var body = await client.PostAsync("/v1/imports", Json("""{"articles":[{"id":"nonchar","title":"T","genre":"news","language":"en","body":"Not \uffff text","credits":[]}]}""")))
            Assert.Equal("must be valid Unicode: it has a noncharacter; found U+FFFF at character 5.", (await ErrorsAsync(body))["articles[0].body"]);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Tabs_and_line_breaks_in_a_body_and_its_quotes_are_accepted_through_the_route_and_the_import()
    {
        var client = await CuratorAsync();
        const string body = "First\tparagraph, with a tab.\n\nSecond paragraph.";
        using (var created = await client.PostAsync("/v1/articles", Json("""
            {"id":"tabbed-article","title":"Tabs","genre":"news","language":"en","body":"First\tparagraph, with a tab.\r\n\r\nSecond paragraph.\r\n","credits":[]}
            """)))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // Windows line endings are stored as \n; the tab as it was sent.
        Assert.Equal(body, (await app.GetJsonAsync("/v1/articles/tabbed-article")).GetProperty("body").GetString());

        using (var imported = await client.PostAsync("/v1/imports", Json("""
            {"articles":[{"id":"tabbed-import","title":"Tabs","genre":"news","language":"en","body":"First\tparagraph, with a tab.\n\nSecond paragraph.","credits":[{"author":"vadym-denysenko","role":"author"}]}],
             "stances":[{"id":"tabbed-stance","topic":"russia-heading-for-collapse","article":"tabbed-import","author":"vadym-denysenko","position":"neutral","quote":"with a tab.\n\nSecond","summary":"Spans two paragraphs."}]}
            """)))
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(body, (await app.GetJsonAsync("/v1/articles/tabbed-import")).GetProperty("body").GetString());
        var quote = (await app.GetJsonAsync("/v1/stances/tabbed-stance")).GetProperty("quote");
        Assert.Equal("with a tab.\n\nSecond", quote.GetProperty("text").GetString());
        Assert.Equal(17, quote.GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task An_import_may_move_a_quote_with_its_body_but_not_leave_a_stored_quote_behind()
    {
        var client = await CuratorAsync();
        (await client.PostAsync("/v1/imports", Json("""
            {"articles":[{"id":"moving-quote","title":"Moving","genre":"news","language":"en","body":"Alpha beta.","credits":[{"author":"vadym-denysenko","role":"author"}]}],
             "stances":[{"id":"moving-quote-stance","topic":"russia-heading-for-collapse","article":"moving-quote","author":"vadym-denysenko","position":"neutral","quote":"beta","summary":"x"}]}
            """))).EnsureSuccessStatusCode();
        Assert.Equal(6, (await app.GetJsonAsync("/v1/stances/moving-quote-stance")).GetProperty("quote").GetProperty("start").GetInt32());

        // The body alone: the stored stance would quote words no longer at its offsets. PUT says the same.
        const string newBody = """{"id":"moving-quote","title":"Moving","genre":"news","language":"en","body":"New start. Alpha beta.","credits":[{"author":"vadym-denysenko","role":"author"}]}""";
        var before = await SnapshotAsync();
        using var alone = await client.PostAsync("/v1/imports", Json($$"""{"articles":[{{newBody}}]}"""));
        var importErrors = await ErrorsAsync(alone, "articles[0].");
        using var put = await ReplaceAsync(client, "/v1/articles/moving-quote", newBody);
        Assert.Equal(await ErrorsAsync(put), importErrors);
        Assert.Contains("moving-quote-stance", importErrors["body"]);
        Assert.Equal(before, await SnapshotAsync());

        // With the stance in the same import, its quote is found in the new body.
        using (var together = await client.PostAsync("/v1/imports", Json($$"""
            {"articles":[{{newBody}}],
             "stances":[{"id":"moving-quote-stance","topic":"russia-heading-for-collapse","article":"moving-quote","author":"vadym-denysenko","position":"neutral","quote":"beta","summary":"x"}]}
            """)))
            Assert.Equal(HttpStatusCode.OK, together.StatusCode);
        Assert.Equal(17, (await app.GetJsonAsync("/v1/stances/moving-quote-stance")).GetProperty("quote").GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task Unknown_fields_in_an_import_are_listed_with_every_other_error()
    {
        var client = await CuratorAsync();
        using var response = await client.PostAsync("/v1/imports", Json("""{"outlets":[{"id":"colourful","name":"","colour":"red"}],"widgets":[]}"""));
        var errors = await ErrorsAsync(response);
        Assert.Equal(["outlets[0].colour", "outlets[0].name", "widgets"], errors.Keys);
    }
}
