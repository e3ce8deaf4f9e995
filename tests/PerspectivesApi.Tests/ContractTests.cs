using System.Text.Json;
using System.Text.Json.Nodes;

namespace PerspectivesApi.Tests;

/// <summary>openapi/v1.json is the contract: the served document must equal it, and it must
/// describe every operation fully. To accept a deliberate change, regenerate the file with
/// <c>UPDATE_OPENAPI=1 dotnet test --filter ContractTests</c> and commit it.</summary>
public sealed class ContractTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private static readonly string CommittedPath = Path.Combine(RepositoryRoot(), "openapi", "v1.json");

    private async Task<string> ServedAsync() => await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json");

    [Fact]
    public async Task The_served_document_equals_the_committed_contract()
    {
        var served = Normalize(await ServedAsync());
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CommittedPath)!);
            await File.WriteAllTextAsync(CommittedPath, served);
        }
        Assert.True(File.Exists(CommittedPath), $"{CommittedPath} is missing: run UPDATE_OPENAPI=1 dotnet test --filter ContractTests");
        var committed = Normalize(await File.ReadAllTextAsync(CommittedPath));
        Assert.True(committed == served,
            "The served OpenAPI document differs from openapi/v1.json. If the change is intended, run " +
            "UPDATE_OPENAPI=1 dotnet test --filter ContractTests and commit openapi/v1.json.\n" + FirstDifference(committed, served));
    }

    [Fact]
    public async Task The_document_is_openapi_3_1()
    {
        var document = JsonNode.Parse(await ServedAsync())!;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_operation_is_summarized_described_and_declares_its_responses_with_schemas_and_examples()
    {
        var document = JsonNode.Parse(await ServedAsync())!;
        var problems = new List<string>();
        var operations = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operationNode) in item!.AsObject())
        {
            var operation = operationNode!.AsObject();
            var name = $"{method.ToUpperInvariant()} {path}";
            operations++;
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>())) problems.Add($"{name}: no summary");
            if (string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>())) problems.Add($"{name}: no description");
            if (string.IsNullOrWhiteSpace(operation["operationId"]?.GetValue<string>())) problems.Add($"{name}: no operationId");
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                if (string.IsNullOrWhiteSpace(parameter!["description"]?.GetValue<string>())) problems.Add($"{name}: parameter {parameter["name"]} has no description");
                if (parameter["schema"] is null) problems.Add($"{name}: parameter {parameter["name"]} has no schema");
            }
            foreach (var placeholder in path.Split('/').Where(p => p.StartsWith('{')))
            {
                var parameterName = placeholder.Trim('{', '}');
                if (operation["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == parameterName && p["in"]!.GetValue<string>() == "path") != true)
                    problems.Add($"{name}: path parameter {parameterName} is not declared");
            }

            var responses = operation["responses"]!.AsObject();
            var success = method == "get" ? "200" : method == "delete" ? "204" : path.EndsWith("/restore") || path.EndsWith("/imports") || method != "post" ? "200" : "201";
            foreach (var code in method == "get" ? new[] { success, "304", "500" } : new[] { success, "401", "500" })
                if (!responses.ContainsKey(code)) problems.Add($"{name}: does not declare {code}");
            if (method != "get")
            {
                if (operation["security"] is null) problems.Add($"{name}: a write must declare its security requirement");
                if (method is "post" or "put" or "patch" && !path.EndsWith("/restore") && operation["requestBody"]?["content"]?["application/json"]?["example"] is null)
                    problems.Add($"{name}: the request body has no example");
            }
            if (path.Contains("{id}") && !responses.ContainsKey("404")) problems.Add($"{name}: does not declare 404");
            if (operation["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "limit") == true && !responses.ContainsKey("400"))
                problems.Add($"{name}: takes parameters but does not declare 400");
            foreach (var (code, declared) in responses)
            {
                // Shared responses (the limit problems) are components, referenced by every operation.
                var response = Fuzz.Contract.Resolve(document, declared!);
                if (string.IsNullOrWhiteSpace(response!["description"]?.GetValue<string>())) problems.Add($"{name} {code}: no description");
                if (code is "304" or "204") continue;
                var content = response["content"]?.AsObject();
                if (content is null || content.Count == 0) { problems.Add($"{name} {code}: no content"); continue; }
                foreach (var (mediaType, media) in content)
                {
                    if (media!["schema"] is null) problems.Add($"{name} {code} {mediaType}: no schema");
                    if (media["example"] is null && media["examples"] is null) problems.Add($"{name} {code} {mediaType}: no example");
                    if (code[0] is '4' or '5' && mediaType != "application/problem+json") problems.Add($"{name} {code}: errors must be application/problem+json, not {mediaType}");
                }
            }
        }
        Assert.True(operations >= 16, $"only {operations} operations documented");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Running in public: every operation may be rate limited, every /v1 operation may run out of
    /// time, every body may be too large or too slow, and the headers that come with each answer are declared.</summary>
    [Fact]
    public async Task Every_operation_declares_the_limits_and_headers_of_running_in_public()
    {
        var document = JsonNode.Parse(await ServedAsync())!;
        var problems = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operationNode) in item!.AsObject())
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var operation = operationNode!.AsObject();
            var responses = operation["responses"]!.AsObject();
            var expected = new List<string> { "429", "503" };
            if (operation["requestBody"] is not null) expected.AddRange(["408", "413"]);
            foreach (var code in expected)
            {
                if (!responses.ContainsKey(code)) { problems.Add($"{name}: does not declare {code}"); continue; }
                var response = Fuzz.Contract.Resolve(document, responses[code]!);
                if (response["content"]?["application/problem+json"]?["schema"] is null) problems.Add($"{name} {code}: not a problem");
                if (code is "429" or "503" && response["headers"]?["Retry-After"] is null) problems.Add($"{name} {code}: no Retry-After");
            }
            foreach (var (code, declared) in responses)
            {
                var headers = Fuzz.Contract.Resolve(document, declared!)["headers"]?.AsObject();
                foreach (var header in new[] { "RateLimit", "RateLimit-Policy" })
                    if (headers?.ContainsKey(header) != true) problems.Add($"{name} {code}: no {header} header");
            }
            if (method != "delete" && responses["200"]?["headers"]?["ETag"] is null && responses["201"]?["headers"]?["ETag"] is null) problems.Add($"{name}: no ETag on success");
            if (responses["201"] is { } created && created["headers"]?["Location"] is null) problems.Add($"{name} 201: no Location");
            if (operation["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "cursor") == true && responses["200"]!["headers"]?["Link"] is null)
                problems.Add($"{name}: a list without a Link header");
            var headerParameters = operation["parameters"]?.AsArray().Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
            var wants = method switch
            {
                "get" => "If-None-Match",
                "put" or "patch" or "delete" => "If-Match",
                _ => path.EndsWith("/restore") ? "If-Match" : "Idempotency-Key",
            };
            if (!headerParameters.Contains(wants)) problems.Add($"{name}: no {wants} request header");
            var security = operation["security"]?.AsArray();
            if (security is not { Count: > 0 }) problems.Add($"{name}: says nothing about authentication");
            else if (method == "get" && security[0]!.AsObject().Count != 0) problems.Add($"{name}: a read must be declared anonymous");
            else if (method == "get" && (security.Count != 2 || security[1]!["curatorKey"] is null)) problems.Add($"{name}: a read must also take the curator key (a curator's client sends it everywhere)");
            else if (method != "get" && security[0]!["curatorKey"] is null) problems.Add($"{name}: a write must need the curator key");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("ArticleSummary", "outlet")]
    [InlineData("ArticleSummary", "published")]
    [InlineData("ArticleDetail", "republishedFrom")]
    [InlineData("Stance", "author")]
    [InlineData("ArticleStance", "author")]
    [InlineData("StanceArticle", "outlet")]
    public async Task A_reference_that_may_be_null_validates_as_null(string schema, string property)
    {
        var document = JsonNode.Parse(await ServedAsync())!;
        var propertySchema = document["components"]!["schemas"]![schema]!["properties"]![property]!;
        // oneOf, not anyOf: both validate null, but NSwag 14 turns anyOf into an empty class (openapi/GENERATORS.md).
        var oneOf = propertySchema["oneOf"]?.AsArray();
        Assert.NotNull(oneOf);
        Assert.Contains(oneOf!, s => s!["type"]?.GetValue<string>() == "null");
        Assert.Contains(oneOf!, s => s!["$ref"] is not null);
        Assert.False(string.IsNullOrWhiteSpace(propertySchema["description"]?.GetValue<string>()));
        Assert.Contains(property, document["components"]!["schemas"]![schema]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    private static string Normalize(string json) =>
        JsonSerializer.Serialize(JsonNode.Parse(json), new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end>";
            var right = i < b.Length ? b[i] : "<end>";
            if (left != right) return $"line {i + 1}:\n  committed: {left}\n  served:    {right}";
        }
        return "";
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "PerspectivesApi.sln"))) return directory.FullName;
        throw new InvalidOperationException("Cannot find the repository root (PerspectivesApi.sln) above " + AppContext.BaseDirectory);
    }
}
