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
            CollectionParameters.Add(operation, doc.Collection, context.SchemaRepository);
            CollectionParameters.DescribeFacets(operation, doc.Collection, context);
        }

        operation.Responses ??= [];
        if (metadata.OfType<WriteDoc>().FirstOrDefault() is { } write)
        {
            if (operation.RequestBody is OpenApiRequestBody { Content: { } requestContent } requestBody && requestContent.TryGetValue("application/json", out var requestMedia))
            {
                requestBody.Description = "The resource as curators write it; unknown fields are refused.";
                requestMedia.Example = JsonSerializer.SerializeToNode(write.Example, write.DocumentType, json);
            }
            if (context.ApiDescription.HttpMethod == "PATCH" && operation.RequestBody is OpenApiRequestBody { Content: { } patchContent } patchBody && patchContent.TryGetValue("application/json", out var patchMedia))
                DescribeMergePatch(patchBody, patchContent, patchMedia);
        }
        // Writes need a curator key. Reads need none (the empty requirement), and take one as well: a curator's
        // client sends its key on every request, and the service reads it there too (it names the rate-limit
        // budget and makes the answer private). `[{}]` alone says "no credentials": validators that enforce
        // security (Prism) refuse a read that carries the key.
        var curatorKey = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ArchiveOpenApi.CuratorScheme, context.Document)] = [] };
        operation.Security = metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any()
            ? [curatorKey]
            : [new OpenApiSecurityRequirement(), curatorKey];
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
            if (doc is not null) CollectionParameters.AddExportContent(content, example.Value);
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
        ProblemResponses.Describe(operation, metadata.OfType<CollectionDoc>().FirstOrDefault()?.Collection, json);
        LimitsAndHeaders.Declare(operation, context, isCollection: doc is not null);
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

    private static void DescribeId(OpenApiOperation operation, string description)
    {
        foreach (var parameter in operation.Parameters!.OfType<OpenApiParameter>().Where(p => p.Name == "id"))
        {
            parameter.Description = description;
            parameter.Schema = SlugSchema();
        }
    }

    internal static OpenApiSchema SlugSchema() => new() { Type = JsonSchemaType.String, Pattern = Bounds.SlugPattern, MaxLength = Bounds.Slug };
}
