using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Tests;

/// <summary>The contract is written so that generated clients come out typed and named, and the service enforces
/// what it declares: every enum is a named component, nullable references are oneOf, written documents have exact
/// bounds that the validation applies with the same numbers, every list pages alike, and every operation refuses
/// what it does not take.</summary>
public sealed class ContractShapeTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private static readonly Lazy<JsonNode> Document = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ContractTests.RepositoryRoot(), "openapi", "v1.json")))!);

    private static JsonObject Schemas => Document.Value["components"]!["schemas"]!.AsObject();

    private async Task<HttpClient> CuratorAsync()
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync("shape-" + Guid.NewGuid().ToString("N")[..8]);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>Every node of the document with its JSON path.</summary>
    private static IEnumerable<(string Path, JsonObject Node)> Objects(JsonNode? node, string path = "$")
    {
        if (node is JsonObject o)
        {
            yield return (path, o);
            foreach (var (key, value) in o)
            foreach (var found in Objects(value, $"{path}.{key}")) yield return found;
        }
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
            foreach (var found in Objects(a[i], $"{path}[{i}]")) yield return found;
    }

    [Fact]
    public void Every_enum_is_a_named_component_so_no_generator_names_one_by_its_position()
    {
        // Response headers are not generated into types; every other enum must be a component of its own.
        var inline = Objects(Document.Value).Where(o => o.Node.ContainsKey("enum") && !o.Path.StartsWith("$.components.headers.") &&
                                                        !(o.Path.StartsWith("$.components.schemas.") && o.Path.Count(c => c == '.') == 3))
            .Select(o => o.Path).ToList();
        Assert.True(inline.Count == 0, "enums outside components: " + string.Join(", ", inline.Take(10)));
        foreach (var (vocabulary, _) in Vocabulary.All)
        {
            var name = PerspectivesApi.OpenApi.Enums.SchemaName(vocabulary);
            Assert.True(Schemas.ContainsKey(name), $"no component for the {vocabulary.Name} vocabulary");
            Assert.Equal(vocabulary.AllValues, Schemas[name]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        }
    }

    [Theory]
    [InlineData("Stance", "position", "Position")]
    [InlineData("ArticleSummary", "genre", "Genre")]
    [InlineData("Published", "precision", "Precision")]
    [InlineData("Outlet", "kind", "OutletKind")]
    [InlineData("Credit", "role", "CreditRole")]
    [InlineData("Author", "kind", "VoiceKind")]
    [InlineData("Stance", "confidence", "Confidence")]
    [InlineData("StanceDocument", "position", "Position")]
    [InlineData("OutletDocument", "kind", "OutletKind")]
    [InlineData("Change", "action", "RevisionAction")]
    public void Responses_and_written_documents_refer_to_the_same_enum(string schema, string property, string component)
    {
        var member = Schemas[schema]!["properties"]![property]!;
        var reference = member["$ref"] ?? member["oneOf"]?.AsArray().Select(s => s!["$ref"]).Single(r => r is not null);
        Assert.Equal($"#/components/schemas/{component}", reference!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/stances", "position", "Position")]
    [InlineData("/v1/articles", "genre", "Genre")]
    [InlineData("/v1/outlets", "kind", "OutletKind")]
    [InlineData("/v1/search", "kind", "SearchHitKind")]
    public void Query_parameters_refer_to_the_enum_the_responses_use(string path, string parameter, string component)
    {
        var schema = Document.Value["paths"]![path]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == parameter)!["schema"]!;
        Assert.Equal($"#/components/schemas/{component}", schema["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal(ListRequest.MaxValuesPerParameter, schema["maxItems"]!.GetValue<int>());
    }

    [Fact]
    public void No_schema_uses_anyOf_which_NSwag_turns_into_an_empty_class()
    {
        var found = Objects(Document.Value).Where(o => o.Node.ContainsKey("anyOf")).Select(o => o.Path).ToList();
        Assert.True(found.Count == 0, string.Join(", ", found.Take(10)));
    }

    [Fact]
    public void Optional_filters_carry_no_example_that_Swagger_UI_would_fill_in()
    {
        var filled = from path in Document.Value["paths"]!.AsObject()
                     from operation in path.Value!.AsObject()
                     from parameter in operation.Value!["parameters"]?.AsArray() ?? []
                     where parameter!["required"]?.GetValue<bool>() != true && (parameter["example"] is not null || parameter["examples"] is not null)
                     select $"{operation.Key} {path.Key} {parameter!["name"]}";
        Assert.Empty(filled);
    }

    [Fact]
    public void Writes_take_exact_documents_and_patches_take_merge_patches()
    {
        foreach (var (resource, required) in new (string, string[])[]
                 {
                     ("outlets", ["name"]), ("authors", ["kind", "name"]), ("topics", ["proposition", "timeDependent", "title"]),
                     ("articles", ["body", "genre", "language", "title"]), ("stances", ["article", "author", "position", "quote", "summary", "topic"]),
                 })
        {
            var post = Document.Value["paths"]![$"/v1/{resource}"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
            var document = Schemas[post.Split('/').Last()]!;
            Assert.Equal(required, document["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
            Assert.DoesNotContain("id", required);
            Assert.False(document["additionalProperties"]!.GetValue<bool>());

            var patchBody = Document.Value["paths"]![$"/v1/{resource}/{{id}}"]!["patch"]!["requestBody"]!["content"]!.AsObject();
            Assert.True(patchBody.ContainsKey("application/merge-patch+json"));
            foreach (var (_, media) in patchBody)
            {
                var patch = Schemas[media!["schema"]!["$ref"]!.GetValue<string>().Split('/').Last()]!;
                Assert.EndsWith("Patch", media["schema"]!["$ref"]!.GetValue<string>());
                Assert.Null(patch["required"]);
                Assert.Equal(document["properties"]!.AsObject().Select(p => p.Key), patch["properties"]!.AsObject().Select(p => p.Key));
            }
            Assert.Null(Document.Value["paths"]![$"/v1/{resource}/{{id}}/revisions/{{seq}}/restore"]!["post"]!["requestBody"]);
        }
    }

    /// <summary>The numbers the contract declares are the ones the service enforces: each bounded text field of each
    /// written document, one character past its maxLength, is a 422 naming that field, and at its maxLength it is not.</summary>
    [Theory]
    [InlineData("outlets", "OutletDocument")]
    [InlineData("authors", "AuthorDocument")]
    [InlineData("topics", "TopicDocument")]
    [InlineData("articles", "ArticleDocument")]
    [InlineData("stances", "StanceDocument")]
    public async Task Each_declared_maxLength_is_enforced_with_the_same_number(string resource, string schema)
    {
        var client = await CuratorAsync();
        var example = Document.Value["paths"]![$"/v1/{resource}"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!;
        var checkedFields = 0;
        foreach (var (field, property) in Schemas[schema]!["properties"]!.AsObject())
        {
            if (property!["maxLength"] is not { } declared || property["pattern"]?.GetValue<string>() is not (Bounds.LinePattern or Bounds.TextBlockPattern)) continue;
            var max = declared.GetValue<int>();
            foreach (var (length, refused) in new[] { (max + 1, true), (max, false) })
            {
                var body = example.DeepClone().AsObject();
                body["id"] = "bounds-" + Guid.NewGuid().ToString("N")[..12];
                body[field] = new string('a', length);
                using var response = await client.PostAsync($"/v1/{resource}", Json(body));
                var text = await response.Content.ReadAsStringAsync();
                if (refused)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{schema}.{field} at {length}: {(int)response.StatusCode} {text}");
                    Assert.Contains($"at most {max} characters", JsonDocument.Parse(text).RootElement.GetProperty("errors").GetProperty(field)[0].GetString());
                }
                else if (response.StatusCode == HttpStatusCode.UnprocessableEntity &&
                         JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out var messages))
                    // Other rules may still refuse the value (a quote must be the article's words), never its length.
                    Assert.DoesNotContain(messages.EnumerateArray(), m => m.GetString()!.Contains("characters; it has"));
            }
            checkedFields++;
        }
        Assert.True(checkedFields >= 1, $"{schema} declares no bounded text field");
    }

    [Fact]
    public async Task A_topic_cannot_take_an_id_a_route_uses()
    {
        var client = await CuratorAsync();
        foreach (var body in new[]
                 {
                     new JsonObject { ["id"] = "summary", ["title"] = "A summary", ["proposition"] = "p", ["timeDependent"] = false },
                     new JsonObject { ["title"] = "Summary", ["proposition"] = "p", ["timeDependent"] = false }, // derived from the title
                 })
        {
            using var response = await client.PostAsync("/v1/topics", Json(body));
            var problem = await ProblemAssert.IsProblemAsync(response, 422);
            Assert.Contains("reserved", problem.GetProperty("errors").GetProperty("id")[0].GetString());
        }
        Assert.Equal(["summary"], ResourceName.Topic.ReservedIds);
    }

    [Fact]
    public async Task A_merge_patch_clears_with_null_but_cannot_clear_a_required_field()
    {
        var client = await CuratorAsync();
        using (var created = await client.PostAsync("/v1/outlets", Json(new JsonObject { ["id"] = "patched-outlet", ["name"] = "Patched", ["country"] = "GE" })))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        async Task<HttpResponseMessage> PatchAsync(string patch)
        {
            var etag = (await client.GetAsync("/v1/outlets/patched-outlet")).Headers.ETag!;
            var request = new HttpRequestMessage(HttpMethod.Patch, "/v1/outlets/patched-outlet") { Content = new StringContent(patch, Encoding.UTF8, "application/merge-patch+json") };
            request.Headers.IfMatch.Add(etag);
            return await client.SendAsync(request);
        }
        using (var cleared = await PatchAsync("""{"country": null}"""))
        {
            Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
            Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await cleared.Content.ReadAsStringAsync()).RootElement.GetProperty("country").ValueKind);
        }
        using var refused = await PatchAsync("""{"name": null}""");
        Assert.True((await ProblemAssert.IsProblemAsync(refused, 422)).GetProperty("errors").TryGetProperty("name", out _));
        // The contract says the same: name may be left out of a patch but not sent as null.
        Assert.Equal("string", Schemas["OutletPatch"]!["properties"]!["name"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("DELETE", "/v1/articles/point-of-no-return-aslan-ismailov?cascade=maybe", "cascade")]
    [InlineData("DELETE", "/v1/articles/point-of-no-return-aslan-ismailov?cascade=true&cascade=false", "cascade")]
    [InlineData("DELETE", "/v1/outlets/georgia-today?cascade=true", "cascade")]
    [InlineData("DELETE", "/v1/outlets/georgia-today?force=true", "force")]
    [InlineData("PATCH", "/v1/outlets/georgia-today?dryRun=true", "dryRun")]
    [InlineData("POST", "/v1/outlets?upsert=1", "upsert")]
    [InlineData("POST", "/v1/stances/ismailov-rift-point-of-no-return/revisions/1/restore?x=1", "x")]
    [InlineData("GET", "/v1/export/archive.sqlite?tables=all", "tables")]
    [InlineData("GET", "/v1?lang=en", "lang")]
    [InlineData("GET", "/v1/topics/baku-moscow-rift-is-permanent/summary?limit=5", "limit")]
    [InlineData("GET", "/v1/outlets/georgia-today/revisions?colour=red", "colour")]
    [InlineData("GET", "/v1/changes?colour=red", "colour")]
    public async Task Every_operation_refuses_a_query_parameter_it_does_not_take(string method, string url, string parameter)
    {
        var client = method == "GET" ? app.CreateClient() : await CuratorAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
        if (method is "POST" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        await ProblemAssert.NamesParameterAsync(response, parameter);
    }

    [Theory]
    [InlineData("/v1/stances?position=supports", "position")]
    [InlineData("/v1/stances?facet=position", "facet")]
    public async Task A_parameter_repeated_past_its_maximum_is_a_400_naming_it(string oneValue, string parameter)
    {
        var url = oneValue + string.Concat(Enumerable.Repeat("&" + oneValue.Split('?')[1], ListRequest.MaxValuesPerParameter));
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, parameter);
        using var atMost = await app.CreateClient().GetAsync(oneValue + string.Concat(Enumerable.Repeat("&" + oneValue.Split('?')[1], ListRequest.MaxValuesPerParameter - 1)));
        Assert.Equal(HttpStatusCode.OK, atMost.StatusCode);
    }

    [Fact]
    public async Task A_cursor_longer_than_any_issued_is_a_400_naming_it()
    {
        using var response = await app.CreateClient().GetAsync("/v1/articles?cursor=" + new string('A', Cursor.MaxLength + 1));
        await ProblemAssert.NamesParameterAsync(response, "cursor");
        Assert.Equal(Cursor.MaxLength, Document.Value["paths"]!["/v1/articles"]!["get"]!["parameters"]!.AsArray()
            .Single(p => p!["name"]!.GetValue<string>() == "cursor")!["schema"]!["maxLength"]!.GetValue<int>());
    }

    /// <summary>Revisions, the changes feed and the topic summaries page like every collection: limit, cursor,
    /// nextCursor and the Link header, to the end, without repeating an item.</summary>
    [Theory]
    [InlineData("/v1/stances/ismailov-rift-point-of-no-return/revisions?limit=1", "seq")]
    [InlineData("/v1/changes?limit=25", "seq")]
    [InlineData("/v1/changes?since=40&limit=30", "seq")]
    [InlineData("/v1/topics/summary?limit=3", "id")]
    public async Task Every_list_pages_with_the_same_mechanism(string first, string key)
    {
        var client = app.CreateClient();
        var seen = new List<string>();
        var url = first;
        for (var pages = 0; url is not null; pages++)
        {
            Assert.True(pages < 200, "the paging does not end");
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(key).ToString()));
            var next = page.GetProperty("nextCursor").GetString();
            Assert.Equal(next is not null, response.Headers.Contains("Link"));
            url = next is null ? null : first + "&cursor=" + Uri.EscapeDataString(next);
        }
        Assert.NotEmpty(seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        if (first.StartsWith("/v1/changes?since=40")) Assert.All(seen, s => Assert.True(long.Parse(s) > 40));
        if (first.StartsWith("/v1/topics/summary"))
            Assert.Equal((await app.GetJsonAsync("/v1/topics?limit=100")).Ids().Count(), seen.Count);
    }
}
