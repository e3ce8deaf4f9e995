using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PerspectivesApi.Data;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>Writes each record's schema in the forms the mainstream client generators turn into typed,
/// named members (openapi/GENERATORS.md has the measurements):
/// <list type="bullet">
/// <item>A property that may be null and refers to another schema (an unknown outlet) is
/// <c>oneOf: [{type: null}, {$ref}]</c>: validators accept the null, and NSwag, Kiota and openapi-typescript
/// all make it a nullable member of the referenced type. (<c>anyOf</c> validates the same, but NSwag 14 turns it
/// into an empty class holding only AdditionalProperties.)</item>
/// <item>A text field from a controlled vocabulary (<see cref="FromVocabularyAttribute"/>) refers to the
/// vocabulary's named enum (<see cref="Enums"/>), the same one the query parameters use.</item>
/// <item>Every property of a response record is required: the archive always writes it, as null when the fact
/// is unknown, so clients never have to tell "absent" from "null". A written document requires what its
/// validation requires (<see cref="System.ComponentModel.DataAnnotations.RequiredAttribute"/>), and such a field
/// is never null.</item>
/// </list></summary>
public sealed class RecordSchemaFilter(EndpointDataSource endpoints) : ISchemaFilter
{
    private static readonly NullabilityInfoContext Nullability = new();
    private readonly Lazy<HashSet<Type>> writtenRecords = new(() => Reachable(endpoints.Endpoints.SelectMany(e => e.Metadata.OfType<WriteDoc>()).Select(w => w.DocumentType)));

    /// <summary>The archive's own record types inside the given ones (through lists and nullables).</summary>
    private static HashSet<Type> Reachable(IEnumerable<Type> roots)
    {
        var found = new HashSet<Type>();
        var pending = new Stack<Type>(roots);
        while (pending.TryPop(out var type))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsGenericType) { foreach (var argument in type.GetGenericArguments()) pending.Push(argument); continue; }
            if (type.Assembly != typeof(RecordSchemaFilter).Assembly || !found.Add(type)) continue;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)) pending.Push(property.PropertyType);
        }
        return found;
    }

    private static bool IsOmittedWhenNull(PropertyInfo property) =>
        property.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is not null;

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { Count: > 0 } properties } record) return;
        var written = writtenRecords.Value.Contains(context.Type);
        record.Required = new HashSet<string>();
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            if (!properties.TryGetValue(name, out var propertySchema)) continue;
            var required = written
                ? property.GetCustomAttribute<System.ComponentModel.DataAnnotations.RequiredAttribute>() is not null
                : !IsOmittedWhenNull(property);
            if (required) record.Required.Add(name);
            var nullable = !required || !written
                ? Nullability.Create(property).ReadState == NullabilityState.Nullable
                : false;
            var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? (propertySchema as OpenApiSchema)?.Description;

            IOpenApiSchema? reference = property.GetCustomAttribute<FromVocabularyAttribute>() is { } vocabulary
                ? Enums.Reference(Vocabulary.Named(vocabulary.Name), context.SchemaRepository)
                : propertySchema as OpenApiSchemaReference;
            if (reference is not null)
                properties[name] = nullable
                    ? new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, reference], Description = description }
                    : reference is OpenApiSchemaReference r && description is not null ? WithDescription(r, description) : reference;
            else if (propertySchema is OpenApiSchema { Type: { } type } plain)
            {
                if (!nullable && type.HasFlag(JsonSchemaType.Null)) plain.Type = type & ~JsonSchemaType.Null;
                // What curators write is plain text (FieldErrors.PlainText): say so, in the pattern the validation enforces.
                if (written && type.HasFlag(JsonSchemaType.String) && plain is { Pattern: null, Enum: null, Format: null })
                    plain.Pattern = Bounds.LinePattern;
            }
        }
        if (record.Required.Count == 0) record.Required = null;
    }

    /// <summary>A reference that carries the property's own description beside the $ref (OpenAPI 3.1 allows it).</summary>
    private static OpenApiSchemaReference WithDescription(OpenApiSchemaReference reference, string description) =>
        new(reference.Reference.Id!) { Description = description };
}
