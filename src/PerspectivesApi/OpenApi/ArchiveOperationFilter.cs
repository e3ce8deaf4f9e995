using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>Documents each operation from the same definitions the code runs on: a collection's
/// filters, sorts and paging parameters come from its <see cref="Collection"/>, so the contract
/// cannot describe a parameter the endpoint does not accept, or miss one it does.</summary>
public sealed class ArchiveOperationFilter(IOptions<JsonOptions> jsonOptions) : IOperationFilter
{
    private readonly JsonSerializerOptions json = jsonOptions.Value.SerializerOptions;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        operation.Parameters ??= [];

        if (metadata.OfType<ResourceDoc>().FirstOrDefault() is { } resource)
            DescribeId(operation, $"The {resource.Resource.Singular}'s id (a slug).");
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.Name == "seq"))
        {
            parameter.Description = "The revision's sequence number, as GET …/revisions lists it.";
            parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1", Maximum = long.MaxValue.ToString() };
        }
        var doc = metadata.OfType<CollectionDoc>().FirstOrDefault();
        if (doc is not null)
        {
            if (doc.Collection.Parent is { } parent) DescribeId(operation, $"The {parent.Name}'s id (a slug).");
            AddCollectionParameters(operation, doc.Collection, context.SchemaRepository);
            DescribeFacets(operation, doc.Collection, context);
        }

        operation.Responses ??= [];
        if (metadata.OfType<WriteDoc>().FirstOrDefault() is { } write)
        {
            if (operation.RequestBody is OpenApiRequestBody { Content: { } requestContent } requestBody && requestContent.TryGetValue("application/json", out var requestMedia))
            {
                requestBody.Description = "The resource as curators write it; unknown fields are refused.";
                requestMedia.Example = JsonSerializer.SerializeToNode(Examples.DocumentOf(write.DocumentType), write.DocumentType, json);
            }
            if (context.ApiDescription.HttpMethod == "PATCH" && operation.RequestBody is OpenApiRequestBody { Content: { } patchContent } patchBody && patchContent.TryGetValue("application/json", out var patchMedia))
                DescribeMergePatch(patchBody, patchContent, patchMedia);
        }
        // Writes need a curator key; reads say explicitly that they need none (an empty requirement).
        operation.Security = metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any()
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ArchiveOpenApi.CuratorScheme, context.Document)] = [] }]
            : [new OpenApiSecurityRequirement()];
        if (metadata.OfType<CascadeDoc>().Any())
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "cascade",
                In = ParameterLocation.Query,
                Description = "true to delete, with the resource, the stances that quote it (each deletion is recorded as a revision); " +
                              "without it, a resource that stances refer to is not deleted (409). Any other value is a 400.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = JsonValue.Create(false) },
            });

        if (metadata.OfType<ResponseExample>().FirstOrDefault() is { } example &&
            (operation.Responses.TryGetValue("200", out var ok) || operation.Responses.TryGetValue("201", out ok)) && ok.Content is { Count: > 0 } content)
        {
            // JSON when the operation answers JSON, else its one media type (the SQLite snapshot).
            var media = content.TryGetValue("application/json", out var jsonMedia) ? jsonMedia : content.Values.First();
            media.Example = JsonSerializer.SerializeToNode(example.Value, example.Value.GetType(), json);
            if (content.ContainsKey(Exports.ArchiveSnapshot.MediaType))
                // A file's raw bytes, not base64 text.
                media.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "An SQLite 3 database file." };
            if (doc is not null) AddExportContent(content, example.Value);
        }

        operation.Responses["500"] = new OpenApiResponse
        {
            Description = "The archive failed to answer; the problem carries a traceId to report.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository) },
            },
        };
        // Every operation refuses query parameters it does not take (EndpointDocs.RefusesUnknownQueryParameters).
        if (!operation.Responses.ContainsKey("400"))
            operation.Responses["400"] = new OpenApiResponse
            {
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = context.SchemaGenerator.GenerateSchema(typeof(HttpValidationProblemDetails), context.SchemaRepository) },
                },
            };
        DescribeResponses(operation, metadata.OfType<CollectionDoc>().FirstOrDefault()?.Collection);
        LimitsAndHeaders.Declare(operation, context, isCollection: doc is not null);
    }

    /// <summary>A page's <c>facets</c> are an object with one member per facet the collection has (StancesFacets:
    /// position, topic…), so a generated client reads <c>page.Facets.Position</c> instead of looking names up in a
    /// map; a collection without facets has no such member.</summary>
    private static void DescribeFacets(OpenApiOperation operation, Collection collection, OperationFilterContext context)
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
                Description = $"The counts asked for with facet=, one member per facet of {collection.Family}, each value's count over the whole filtered collection, most frequent first.",
                AdditionalPropertiesAllowed = false,
                Properties = collection.Facets.ToDictionary(f => f.Name, f => (IOpenApiSchema)new OpenApiSchema
                {
                    Type = JsonSchemaType.Array, Items = counts, Description = f.Description,
                }),
            });
        page["facets"] = new OpenApiSchemaReference(name)
        {
            Description = "For each facet= asked for, each value's count over the whole filtered collection, most frequent first; absent without facet=.",
        };
    }

    /// <summary>PATCH takes a JSON Merge Patch (RFC 7396): any subset of the document's fields, as
    /// application/merge-patch+json or plain application/json; the example changes one field.</summary>
    private static void DescribeMergePatch(OpenApiRequestBody body, IDictionary<string, OpenApiMediaType> content, OpenApiMediaType json)
    {
        body.Description = "A JSON Merge Patch (RFC 7396) of the resource as curators write it: the fields sent replace theirs, null removes one, " +
                           "an object merges into the field's object; fields left out keep their values. Unknown fields are refused.";
        if (json.Example is JsonObject full && full.FirstOrDefault(p => p.Key != "id" && p.Value is JsonValue) is { Key: { } name } field)
            json.Example = new JsonObject { [name] = field.Value!.DeepClone() };
        content["application/merge-patch+json"] = new OpenApiMediaType { Schema = json.Schema, Example = json.Example?.DeepClone() };
    }

    /// <summary>The same 200 as CSV, NDJSON and Parquet (flat rows), with examples written by the export code itself.</summary>
    private static void AddExportContent(IDictionary<string, OpenApiMediaType> content, object page) =>
        Exports.TableContent.AddForItems(content, page.GetType().GetGenericArguments()[0],
            ((System.Collections.IEnumerable)page.GetType().GetProperty("Items")!.GetValue(page)!).Cast<object>());

    private static void DescribeId(OpenApiOperation operation, string description)
    {
        foreach (var parameter in operation.Parameters!.OfType<OpenApiParameter>().Where(p => p.Name == "id"))
        {
            parameter.Description = description;
            parameter.Schema = SlugSchema();
        }
    }

    private static OpenApiSchema SlugSchema() => new() { Type = JsonSchemaType.String, Pattern = Bounds.SlugPattern, MaxLength = Bounds.Slug };

    private static void AddCollectionParameters(OpenApiOperation operation, Collection collection, SchemaRepository schemas)
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
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = collection.MaxLimit.ToString(),
                Default = JsonValue.Create(collection.DefaultLimit),
            },
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
                Description = "Count the whole filtered collection by these dimensions; the counts come back in `facets`, " +
                              "beside the page, most frequent value first. Repeat for several. " +
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
    private static IOpenApiSchema ValueSchema(Filter filter, SchemaRepository schemas) => filter.Kind switch
    {
        FilterKind.Id => SlugSchema(),
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

    /// <summary>Every response gets a description saying when it happens, and problems get examples.</summary>
    private void DescribeResponses(OpenApiOperation operation, Collection? collection)
    {
        foreach (var (code, response) in operation.Responses!)
        {
            if (response is not OpenApiResponse r) continue;
            r.Description = code switch
            {
                "201" => "Created: the new resource, with its Location and ETag.",
                "204" => "Deleted; the history stays readable at …/revisions.",
                "401" => "No curator key, or an unknown or revoked one (see WWW-Authenticate).",
                "409" => "The change conflicts with the archive: the id is taken (ids are never reused), or other resources refer to this one.",
                "410" => "The resource was deleted; its history, from which it can be restored, stays readable.",
                "412" => "If-Match does not match the current ETag: the resource changed meanwhile.",
                "415" => "The body is not JSON (Content-Type: application/json).",
                "422" => "Fields are missing, malformed, unknown or refer to nothing; `errors` lists every one. Nothing was written.",
                "428" => "If-Match is required on updates and deletes.",
                "200" => collection is null ? "The resource, with a strong ETag." : "A page of the collection, with a strong ETag and, unless this is the last page, a Link header to the next; or, with format=csv|ndjson|parquet, the whole filtered collection streamed, with a strong ETag and Last-Modified.",
                "406" => "The Accept header allows none of application/json, text/csv, application/x-ndjson and application/vnd.apache.parquet.",
                "304" => "The client's copy (its If-None-Match ETag) is current; no body.",
                "400" => collection is not null
                    ? "A parameter is malformed, out of range or unknown, or the cursor does not belong to this query. `errors` names each parameter."
                    : "A query parameter this operation does not take was sent (or, for a write, the body is not JSON or a header is malformed). `errors` names each.",
                "404" => "No resource has this id.",
                _ => r.Description,
            };
            if (r.Content?.TryGetValue("application/problem+json", out var media) != true || media!.Example is not null) continue;
            media.Example = code switch
            {
                "400" => JsonSerializer.SerializeToNode(new
                {
                    type = Problems.InvalidParametersType, title = "Invalid request parameters", status = 400,
                    detail = "The request's parameter 'limit' is not valid: see errors.",
                    instance = "/v1/articles?limit=1000",
                    errors = new Dictionary<string, string[]> { ["limit"] = ["must be a whole number from 1 to 100; got '1000'."] },
                    traceId = "0HNA1B2C3D4E5:00000001",
                }, json),
                "406" => JsonSerializer.SerializeToNode(new
                {
                    type = "/problems/not-acceptable", title = "No acceptable representation", status = 406,
                    detail = "The Accept header (text/html) allows none of application/json, text/csv, application/x-ndjson or application/vnd.apache.parquet. Send one of them, or use format=json|csv|ndjson|parquet.",
                    instance = "/v1/articles", traceId = "0HNA1B2C3D4E5:00000004",
                }, json),
                "404" => JsonSerializer.SerializeToNode(new
                {
                    type = Problems.NotFoundType, title = "No such article", status = 404,
                    detail = "The archive has no article with the id 'no-such-article'.", instance = "/v1/articles/no-such-article",
                    traceId = "0HNA1B2C3D4E5:00000002",
                }, json),
                "401" or "409" or "410" or "412" or "415" or "428" => JsonSerializer.SerializeToNode(new
                {
                    type = code switch { "401" => "about:blank", "409" => "/problems/conflict", "410" => "/problems/deleted", "412" => "/problems/stale-etag", "415" => "/problems/unsupported-media-type", _ => "/problems/precondition-required" },
                    title = code switch { "401" => "Unauthorized", "409" => "Conflict", "410" => "Deleted outlet", "412" => "The resource has changed", "415" => "Unsupported media type", _ => "If-Match required" },
                    status = int.Parse(code),
                    detail = code switch
                    {
                        "401" => "The request has no Authorization header; writes need a curator key: Authorization: Bearer <key>.",
                        "409" => "1 article(s) name the outlet 'georgia-today' as publisher or original source; change or delete them first.",
                        "410" => "The outlet 'example-outlet' was deleted at 2026-11-23T10:15:00.000Z by alice. Its history, from which it can be restored, is at /v1/outlets/example-outlet/revisions.",
                        "412" => "The outlet has changed since that ETag was read (it is now \"0t5NLqxxT_AL059W5goMYQ\"). GET it again, re-apply the change and retry.",
                        "415" => "Send the body as JSON, with Content-Type: application/json.",
                        _ => "Send If-Match with the ETag of GET /v1/outlets/georgia-today, so that a change made meanwhile is not overwritten.",
                    },
                    instance = "/v1/outlets/georgia-today", traceId = "0HNA1B2C3D4E5:00000005",
                }, json),
                "422" => JsonSerializer.SerializeToNode(new
                {
                    type = Problems.InvalidFieldsType, title = "Invalid fields", status = 422,
                    detail = "The request has 2 invalid fields: 'name', 'colour'. Nothing was written.",
                    instance = "/v1/outlets",
                    errors = new Dictionary<string, string[]> { ["name"] = ["is required."], ["colour"] = ["is not a field of this resource."] },
                    traceId = "0HNA1B2C3D4E5:00000006",
                }, json),
                "500" => JsonSerializer.SerializeToNode(new
                {
                    type = "about:blank", title = "Internal Server Error", status = 500,
                    detail = "The archive could not answer this request. The error was logged with the traceId below.",
                    instance = "/v1/articles", traceId = "0HNA1B2C3D4E5:00000003",
                }, json),
                _ => null,
            };
        }
    }
}
