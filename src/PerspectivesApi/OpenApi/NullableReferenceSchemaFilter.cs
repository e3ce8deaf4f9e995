using System.Reflection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>A property that may be null and refers to another schema (an unknown outlet, an unsigned
/// stance's author) is written <c>anyOf: [{type: null}, {$ref}]</c>. A bare <c>$ref</c> would tell
/// validators and generated clients that null is invalid, which is wrong for the archive.
/// Every property of a response record is also listed as required: the archive always writes it,
/// as null when the fact is unknown, so clients never have to tell "absent" from "null".
/// What writes take is the other way round: a field left out is null (or, in a merge patch, unchanged)
/// and an id is derived from the name, so a written document lists no field as required (the 422 names
/// what the archive needs), and the records inside it require only their non-nullable fields.</summary>
public sealed class NullableReferenceSchemaFilter(EndpointDataSource endpoints) : ISchemaFilter
{
    private static readonly NullabilityInfoContext Nullability = new();
    private readonly Lazy<HashSet<Type>> writtenDocuments = new(() =>
        endpoints.Endpoints.SelectMany(e => e.Metadata.OfType<WriteDoc>()).Select(w => w.DocumentType).ToHashSet());
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
            if (type.Assembly != typeof(NullableReferenceSchemaFilter).Assembly || !found.Add(type)) continue;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)) pending.Push(property.PropertyType);
        }
        return found;
    }

    private static bool IsOmittedWhenNull(PropertyInfo property) =>
        property.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is not null;

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { Count: > 0 } properties }) return;
        if (writtenDocuments.Value.Contains(context.Type)) ((OpenApiSchema)schema).Required = null;
        var written = writtenRecords.Value.Contains(context.Type);
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            if (!properties.ContainsKey(name)) continue;
            if (!written && !IsOmittedWhenNull(property)) ((OpenApiSchema)schema).Required ??= new HashSet<string>();
            if (!written && !IsOmittedWhenNull(property)) ((OpenApiSchema)schema).Required!.Add(name);
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
