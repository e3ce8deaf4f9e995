using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>What a collection's operations declare besides what every operation does: its filters, sort orders,
/// paging, facets and export formats, all read from its <see cref="Collection"/>, so the contract cannot describe a
/// parameter the endpoint does not accept, or miss one it does.</summary>
public static class CollectionParameters
{
    /// <summary>A collection's query parameters, from the same <see cref="Collection"/> its requests are checked against.</summary>
    public static void Add(OpenApiOperation operation, Collection collection, SchemaRepository schemas)
    {
        var parameters = operation.Parameters!;
        var family = Enums.Pascal(collection.Family);
        foreach (var filter in collection.Filters)
        {
            var value = ValueSchema(filter, schemas);
            // No `example` on an optional filter: Swagger UI fills a parameter's example into "Try it out", so
            // Execute with nothing typed would send every filter. The example is in the description instead.
            parameters.Add(new OpenApiParameter
            {
                Name = filter.Name,
                In = ParameterLocation.Query,
                Description = $"{filter.Description} Example: `{filter.Example}`." +
                              (filter.Repeatable ? $" At most {ListRequest.MaxValuesPerParameter} values." : ""),
                Required = filter.Required,
                Style = ParameterStyle.Form,
                Explode = true,
                Schema = filter.Repeatable
                    ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = value, MaxItems = ListRequest.MaxValuesPerParameter }
                    : value,
                Example = filter.Required ? JsonValue.Create(filter.Example) : null,
            });
        }

        var sorts = collection.Sorts.SelectMany(s => new[] { s.Name, "-" + s.Name }).ToList();
        parameters.Add(new OpenApiParameter
        {
            Name = "sort",
            In = ParameterLocation.Query,
            Description = $"The order of the list: a field name, with '-' in front for descending. Default: {collection.DefaultSort}" +
                          (collection.DefaultSortWithSearch is { } withSearch ? $", or {withSearch} when q is given. " : ". ") +
                          string.Join(" ", collection.Sorts.Select(s => $"`{s.Name}`: {s.Description}")),
            Schema = Enums.Reference($"{family}Sort", sorts, $"An order of {collection.Family}: a field, with '-' in front for descending.", schemas),
        });
        parameters.Add(new OpenApiParameter
        {
            Name = "limit",
            In = ParameterLocation.Query,
            Description = $"How many items a page holds, from 1 to {collection.MaxLimit} (default {collection.DefaultLimit}); with format=csv|ndjson|parquet, " +
                          "the export's first rows only (a sample; without limit, every row). Out-of-range values are a 400, never clamped.",
            Schema = Count(collection.MaxLimit, collection.DefaultLimit),
        });
        parameters.Add(new OpenApiParameter
        {
            Name = "cursor",
            In = ParameterLocation.Query,
            Description = "Where the page starts: the opaque `nextCursor` of the previous page (also in its Link header), passed unchanged. " +
                          "A cursor is bound to its query: used with other filters or sort, or altered, it is a 400.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Cursor.MaxLength, Pattern = Cursor.Pattern },
        });
        if (collection.Facets.Count > 0)
        {
            parameters.Add(new OpenApiParameter
            {
                Name = "facet",
                In = ParameterLocation.Query,
                Description = $"Count the whole filtered collection by these dimensions: `facets` lists each one's {Facet.DefaultLimit} most frequent values " +
                              "(or `facetLimit` of them) with their counts, most frequent first, then by value, and `facetOther` says how many values " +
                              "the list leaves out and the sum of their counts. Repeat for several. " +
                              string.Join(" ", collection.Facets.Select(f => $"`{f.Name}`: {f.Description}")),
                Style = ParameterStyle.Form,
                Explode = true,
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = Enums.Reference($"{family}Facet", collection.Facets.Select(f => f.Name).ToList(), $"A dimension {collection.Family} can be counted by.", schemas),
                    MaxItems = ListRequest.MaxValuesPerParameter,
                },
            });
            // No example: Swagger UI would send it with every request.
            parameters.Add(new OpenApiParameter
            {
                Name = "facetLimit",
                In = ParameterLocation.Query,
                Description = $"How many values each facet lists, from 1 to {Facet.MaxLimit} (default {Facet.DefaultLimit}); without facet it limits nothing. " +
                              "Out-of-range values are a 400, never clamped.",
                Schema = Count(Facet.MaxLimit, Facet.DefaultLimit),
            });
        }
        parameters.Add(new OpenApiParameter
        {
            Name = "format",
            In = ParameterLocation.Query,
            Description = "json (default): one page. csv, ndjson or parquet: the whole filtered collection in one stream, in the list's order, " +
                          "with the same items as the pages, each flattened into one row (columns named by the JSON path in snake_case: outlet_id, " +
                          "published_first_day; cursor and count do not apply, limit takes a sample). " +
                          "The Accept header (text/csv, application/x-ndjson, application/vnd.apache.parquet) does the same; this parameter wins over it.",
            Schema = Enums.Reference("ListFormat", ListFormats.Names, "How a collection is answered: json (one page), csv, ndjson or parquet (the whole filtered collection, or a sample with limit, streamed as a flat table).", schemas),
        });
        parameters.Add(new OpenApiParameter
        {
            Name = "count",
            In = ParameterLocation.Query,
            Description = "true to add `total`, the number of items in the whole filtered collection (costs a count query).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = JsonValue.Create(false) },
        });
    }

    /// <summary>The schema of one value of a filter, with the bounds its validation (ListRequest.CheckValue) enforces.</summary>
    /// <summary>A count a client chooses (a page's limit, a facet's): 1 to <paramref name="max"/>, <paramref name="defaultValue"/> when absent.</summary>
    private static OpenApiSchema Count(int max, int defaultValue) => new()
    {
        Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = max.ToString(),
        Default = JsonValue.Create(defaultValue),
    };

    private static IOpenApiSchema ValueSchema(Filter filter, SchemaRepository schemas) => filter.Kind switch
    {
        FilterKind.Id => ArchiveOperationFilter.SlugSchema(),
        // A yes/no filter (conditional) is a boolean to clients; its values are written true and false.
        FilterKind.Choice when filter.Choices!.Order().SequenceEqual(["false", "true"]) => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        FilterKind.Choice => Enums.Offering(filter.Choices!) is { } vocabulary
            ? Enums.Reference(vocabulary, schemas)
            : throw new InvalidOperationException($"The filter {filter.Name} offers values of no vocabulary: define one in Data/Vocabulary.cs."),
        FilterKind.Language => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = Bounds.LanguagePattern, MaxLength = Bounds.Language },
        FilterKind.Country => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = Bounds.CountryPattern, MaxLength = 2 },
        FilterKind.Date => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date", Pattern = Bounds.DayPattern, MaxLength = 10 },
        FilterKind.Search => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Bounds.Search, Pattern = Bounds.LinePattern },
        FilterKind.Sequence => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0", Maximum = long.MaxValue.ToString() },
        _ => throw new ArgumentOutOfRangeException(nameof(filter)),
    };

    /// <summary>A page's <c>facets</c> are an object with one member per facet the collection has (StancesFacets:
    /// position, topic…), so a generated client reads <c>page.Facets.Position</c> instead of looking names up in a
    /// map; a collection without facets has no such member.</summary>
    public static void DescribeFacets(OpenApiOperation operation, Collection collection, OperationFilterContext context)
    {
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok!.Content?.TryGetValue("application/json", out var media) != true ||
            media!.Schema is not OpenApiSchemaReference { Reference.Id: { } pageName } ||
            !context.SchemaRepository.Schemas.TryGetValue(pageName, out var pageSchema) || pageSchema is not OpenApiSchema { Properties: { } page })
            return;
        if (collection.Facets.Count == 0) { page.Remove("facets"); return; }
        var name = Enums.Pascal(collection.Family) + "Facets";
        if (page.TryGetValue("facets", out var declared) && declared is OpenApiSchemaReference { Reference.Id: { } existing } && existing == name) return;
        var counts = context.SchemaGenerator.GenerateSchema(typeof(FacetCount), context.SchemaRepository);
        if (!context.SchemaRepository.Schemas.ContainsKey(name))
            context.SchemaRepository.AddDefinition(name, new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = $"The counts asked for with facet=, one member per facet of {collection.Family}: the most frequent values (facetLimit) with their counts over the whole filtered collection, most frequent first.",
                AdditionalPropertiesAllowed = false,
                Properties = collection.Facets.ToDictionary(f => f.Name, f => (IOpenApiSchema)new OpenApiSchema
                {
                    Type = JsonSchemaType.Array, Items = counts, Description = f.Description,
                }),
            });
        page["facets"] = new OpenApiSchemaReference(name)
        {
            Description = "For each facet= asked for, its most frequent values (facetLimit) with their counts over the whole filtered collection, most frequent first; absent without facet=.",
        };
    }

    /// <summary>The same 200 as CSV, NDJSON and Parquet (flat rows), with examples written by the export code itself.</summary>
    public static void AddExportContent(IDictionary<string, OpenApiMediaType> content, object page) =>
        Exports.TableContent.AddForItems(content, page.GetType().GetGenericArguments()[0],
            ((System.Collections.IEnumerable)page.GetType().GetProperty("Items")!.GetValue(page)!).Cast<object>());
}
