using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PerspectivesApi.Data;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>The named enums of the contract: one component schema per vocabulary (its values, each with its
/// definition), and one per fixed list that is not a vocabulary (a collection's sort orders and facets, the list
/// formats). Requests and responses refer to the same component, so a generated client has one type per enum,
/// named after what it is, never after its position in the document.</summary>
public static class Enums
{
    /// <summary>A reference to <paramref name="vocabulary"/>'s enum, registered on first use. Every value the
    /// archive may hold is listed, deprecated ones included (a stored credit may still say 'quoted').</summary>
    public static OpenApiSchemaReference Reference(Vocabulary vocabulary, SchemaRepository repository) =>
        Reference(SchemaName(vocabulary), vocabulary.AllValues,
            $"A {vocabulary.Name}. {vocabulary.Definitions}", repository);

    /// <summary>A reference to a named enum of <paramref name="values"/>, registered on first use; a second
    /// registration under the same name must list the same values.</summary>
    public static OpenApiSchemaReference Reference(string name, IReadOnlyList<string> values, string description, SchemaRepository repository)
    {
        if (repository.Schemas.TryGetValue(name, out var existing))
        {
            var known = (existing as OpenApiSchema)?.Enum?.Select(e => e!.GetValue<string>()).ToList() ?? [];
            if (!known.SequenceEqual(values))
                throw new InvalidOperationException($"The enum {name} is declared twice with different values: [{string.Join(", ", known)}] and [{string.Join(", ", values)}].");
        }
        else
            repository.AddDefinition(name, new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList(),
                Description = description,
            });
        return new OpenApiSchemaReference(name);
    }

    /// <summary>"voice kind" → VoiceKind.</summary>
    public static string SchemaName(Vocabulary vocabulary) => Pascal(vocabulary.Name);

    /// <summary>"search results" → SearchResults, "news-site" → NewsSite.</summary>
    public static string Pascal(string words) =>
        string.Concat(words.Split(' ', '-', '_').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>The vocabulary whose values a choice filter offers, if it is one.</summary>
    public static Vocabulary? Offering(IReadOnlyList<string> choices) =>
        Vocabulary.All.Select(v => v.Vocabulary).FirstOrDefault(v => v.Values.SequenceEqual(choices) || v.AllValues.SequenceEqual(choices));
}
