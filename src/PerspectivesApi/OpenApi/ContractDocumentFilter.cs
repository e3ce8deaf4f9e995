using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>What the contract says about the document as a whole, once every operation is described: what each
/// tag holds, the problem schemas' fixed members, and the merge-patch schemas derived from the written documents.</summary>
public sealed class ContractDocumentFilter : IDocumentFilter
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Index"] = "The entry point: every collection of v1 and where the documentation is.",
        ["Articles"] = "Archived pieces: metadata, credits, clean body text, provenance and the stances recorded in them. Writes need a curator key.",
        ["Authors"] = "Voices whose perspective is recorded: persons, institutions, groups and the editorial voices of unsigned pieces. Writes need a curator key.",
        ["Outlets"] = "Publications: newspapers, broadcasters, news sites, agencies, magazines, blogs. Writes need a curator key.",
        ["Topics"] = "Questions framed as propositions, and summaries of where the perspectives on them stand. Writes need a curator key.",
        ["Stances"] = "One voice's position on one topic in one article, with the exact quote as evidence. Writes need a curator key.",
        ["Search"] = "Full-text search across article titles and bodies and stance quotes at once.",
        ["Export"] = "The whole archive as one SQLite file, for local analysis.",
        ["Curation"] = "Bulk imports (curators only) and the feed of every change, for mirrors (anonymous).",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Tags = TagDescriptions.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }).ToHashSet();
        var schemas = document.Components!.Schemas!;
        foreach (var name in new[] { "ProblemDetails", "HttpValidationProblemDetails" })
            if (schemas.TryGetValue(name, out var problem) && problem is OpenApiSchema schema) DescribeProblem(schema);
        // Route descriptions are written as wrapped raw strings; a line break inside a sentence is a space (Kiota, for
        // one, joins the lines of a description without one).
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
            if (operation.Description is { } description) operation.Description = description.ReplaceLineEndings(" ");
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations ?? []).Where(o => o.Key == HttpMethod.Patch).Select(o => o.Value))
        foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            if (media.Schema is OpenApiSchemaReference { Reference.Id: { } written })
                media.Schema = new OpenApiSchemaReference(Patch(written, schemas), document);
    }

    /// <summary>RFC 9457 members every problem of the archive has, typed; extension members stay allowed. Kiota
    /// makes <c>detail</c> the generated exception's message (x-ms-primary-error-message), so a client's error
    /// says what was wrong rather than "Exception of type … was thrown".</summary>
    private static void DescribeProblem(OpenApiSchema problem)
    {
        var properties = problem.Properties!;
        problem.Description = "An RFC 9457 problem: what went wrong (type, title, status), in words (detail), on which request (instance), " +
                              "and a traceId to report; a validation problem lists each bad field or parameter under errors.";
        foreach (var (name, description) in new[]
                 {
                     ("type", "A URI reference naming the kind of problem (about:blank for a plain HTTP status)."),
                     ("title", "A short summary of the kind of problem."),
                     ("status", "The HTTP status code, equal to the response's."),
                     ("detail", "What went wrong with this request, in words."),
                     ("instance", "The request's path and query."),
                 })
            if (properties[name] is OpenApiSchema member) member.Description = description;
        foreach (var name in new[] { "type", "title", "status" })
            if (properties[name] is OpenApiSchema { Type: { } type } member) member.Type = type & ~JsonSchemaType.Null;
        ((OpenApiSchema)properties["detail"]).Extensions = new Dictionary<string, IOpenApiExtension>
        {
            ["x-ms-primary-error-message"] = new JsonNodeExtension(JsonValue.Create(true)),
        };
        properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id, to quote when reporting a 500.", MaxLength = 200 };
        problem.Required ??= new HashSet<string>();
        foreach (var name in new[] { "type", "title", "status" }) problem.Required.Add(name);
    }

    /// <summary>The JSON Merge Patch (RFC 7396) of the written document <paramref name="written"/>: every member
    /// optional; a member the document does not require may be null, which clears it; a nested object is itself a
    /// patch (it merges into the stored one); a list replaces the stored list whole.</summary>
    /// <returns>The patch schema's name: OutletDocument → OutletPatch.</returns>
    private static string Patch(string written, IDictionary<string, IOpenApiSchema> schemas)
    {
        var name = (written.EndsWith("Document") ? written[..^"Document".Length] : written) + "Patch";
        if (schemas.ContainsKey(name)) return name;
        var document = (OpenApiSchema)schemas[written];
        var patch = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = $"A JSON Merge Patch (RFC 7396) of {written}: send only the members to change. null clears a member that may be " +
                          "empty; an object merges into the stored one; a list replaces the stored list. Unknown members are refused.",
            AdditionalPropertiesAllowed = false,
            Properties = new Dictionary<string, IOpenApiSchema>(),
        };
        schemas[name] = patch; // before the members, so a schema that refers to itself ends
        foreach (var (member, schema) in document.Properties ?? new Dictionary<string, IOpenApiSchema>())
            patch.Properties[member] = Member(schema, clearable: document.Required?.Contains(member) != true, schemas);
        return name;
    }

    private static IOpenApiSchema Member(IOpenApiSchema schema, bool clearable, IDictionary<string, IOpenApiSchema> schemas)
    {
        switch (schema)
        {
            case OpenApiSchemaReference reference:
                var target = Merged(reference, schemas);
                return clearable ? new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, target], Description = reference.Description } : target;
            case OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null } none, OpenApiSchemaReference inner] } nullable:
                return new OpenApiSchema { OneOf = [none, Merged(inner, schemas)], Description = nullable.Description };
            default:
                var copy = (OpenApiSchema)schema.CreateShallowCopy();
                if (clearable && copy.Type is { } type) copy.Type = type | JsonSchemaType.Null;
                return copy;
        }
    }

    /// <summary>A nested object merges, so it is patched too; an enum or other value is as written.</summary>
    private static OpenApiSchemaReference Merged(OpenApiSchemaReference reference, IDictionary<string, IOpenApiSchema> schemas) =>
        schemas.TryGetValue(reference.Reference.Id!, out var target) && target is OpenApiSchema { Properties.Count: > 0 }
            ? new OpenApiSchemaReference(Patch(reference.Reference.Id!, schemas)) { Description = reference.Description }
            : reference;
}
