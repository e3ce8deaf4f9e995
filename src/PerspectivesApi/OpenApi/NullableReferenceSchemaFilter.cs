using System.Reflection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>A property that may be null and refers to another schema (an unknown outlet, an unsigned
/// stance's author) is written <c>anyOf: [{type: null}, {$ref}]</c>. A bare <c>$ref</c> would tell
/// validators and generated clients that null is invalid, which is wrong for the archive.
/// Every property of a response record is also listed as required: the archive always writes it,
/// as null when the fact is unknown, so clients never have to tell "absent" from "null".</summary>
public sealed class NullableReferenceSchemaFilter : ISchemaFilter
{
    private static readonly NullabilityInfoContext Nullability = new();

    private static bool IsOmittedWhenNull(PropertyInfo property) =>
        property.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is not null;

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { Count: > 0 } properties }) return;
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            if (!properties.ContainsKey(name)) continue;
            if (!IsOmittedWhenNull(property)) ((OpenApiSchema)schema).Required ??= new HashSet<string>();
            if (!IsOmittedWhenNull(property)) ((OpenApiSchema)schema).Required!.Add(name);
            if (properties[name] is not OpenApiSchemaReference reference) continue;
            if (Nullability.Create(property).ReadState != NullabilityState.Nullable) continue;
            properties[name] = new OpenApiSchema
            {
                AnyOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, reference],
                Description = property.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>()?.Description,
            };
        }
    }
}
