using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace PerspectivesApi.Tests.Fuzz;

/// <summary>One parameter of an operation, as the contract declares it.</summary>
public sealed record ContractParameter(string Name, string In, bool Required, JsonObject Schema);

/// <summary>One operation (path and method) of openapi/v1.json: what it takes and what it may answer.</summary>
public sealed record ContractOperation(
    string Method, string Path, IReadOnlyList<ContractParameter> Parameters, JsonObject? RequestBody, JsonObject Responses, bool NeedsCurator)
{
    public string Name => $"{Method} {Path}";

    /// <summary>The collection whose id the path's <c>{id}</c> names (/v1/articles/{id}/stances: articles).</summary>
    public string? IdCollection => Path.Contains("{id}") ? Path.Split('/')[2] : null;

    public bool Declares(int status) => Responses.ContainsKey(status.ToString());

    public JsonObject? ContentOf(int status) => Responses[status.ToString()]?["content"] as JsonObject;

    public JsonObject? RequestExample => RequestBody?["content"]?["application/json"]?["example"] as JsonObject;
}

/// <summary>The committed contract, read as a client would read it: the operations to call, and the
/// schemas their answers must validate against (OpenAPI 3.1 schemas are JSON Schema 2020-12).</summary>
public sealed class Contract
{
    private const string ComponentsPrefix = "#/components/schemas/";
    private readonly JsonObject definitions;
    private static readonly EvaluationOptions FlagOnly = new() { OutputFormat = OutputFormat.Flag };
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new();

    public IReadOnlyList<ContractOperation> Operations { get; }

    private Contract(JsonNode document)
    {
        // The components become the $defs of every schema built below, so a $ref resolves inside one document.
        definitions = JsonNode.Parse(RewriteReferences(document["components"]!["schemas"]!.ToJsonString()))!.AsObject();
        var operations = new List<ContractOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, node) in item!.AsObject())
        {
            var operation = node!.AsObject();
            var parameters = (operation["parameters"]?.AsArray() ?? []).Select(p => new ContractParameter(
                p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), p["required"]?.GetValue<bool>() ?? false,
                p["schema"]!.AsObject())).ToList();
            var needsCurator = operation["security"]?.AsArray().Any(requirement => requirement!.AsObject().Count > 0) ?? false;
            // Shared responses (the limit problems) are components: resolve them, so every status reads alike.
            var responses = new JsonObject();
            foreach (var (code, response) in operation["responses"]!.AsObject())
                responses[code] = Resolve(document, response!).DeepClone();
            operations.Add(new ContractOperation(method.ToUpperInvariant(), path, parameters, operation["requestBody"] as JsonObject,
                responses, needsCurator));
        }
        Operations = operations;
    }

    /// <summary>The node a local <c>$ref</c> (#/components/…) points to, or the node itself.</summary>
    public static JsonNode Resolve(JsonNode document, JsonNode node)
    {
        if (node["$ref"]?.GetValue<string>() is not { } reference || !reference.StartsWith("#/")) return node;
        return reference[2..].Split('/').Aggregate(document, (at, segment) => at[segment.Replace("~1", "/").Replace("~0", "~")]!);
    }

    public static Contract Load(string path) => new(JsonNode.Parse(File.ReadAllText(path))!);

    /// <summary>The schema errors of <paramref name="instance"/> against <paramref name="schema"/> (a schema
    /// of the contract, $refs and all); none when it validates.</summary>
    public IReadOnlyList<string> Validate(JsonNode schema, JsonElement instance)
    {
        var text = RewriteReferences(schema.ToJsonString());
        var compiled = schemas.GetOrAdd(text, Build);
        // The flag answer is cheap; the list of errors is worked out only for a body that fails.
        if (compiled.Evaluate(instance, FlagOnly).IsValid) return [];
        var results = compiled.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} (schema {d.EvaluationPath})"))
            .DefaultIfEmpty("the body does not validate")
            .ToList();
    }

    private JsonSchema Build(string schemaText)
    {
        var root = JsonNode.Parse(schemaText)!.AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = definitions.DeepClone();
        // Each schema is its own document; a base URI of its own keeps them apart in the registry.
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() },
            new Uri($"https://contract.invalid/schema-{Guid.NewGuid():N}"));
    }

    private static string RewriteReferences(string json) => json.Replace("\"" + ComponentsPrefix, "\"#/$defs/");
}
