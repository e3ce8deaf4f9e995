using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PerspectivesApi.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.Http;

/// <summary>Documents <c>facetLimit</c> beside <c>facet</c>, and what a facet's list holds, from the same
/// constants <see cref="ListRequest"/> validates with. No example: Swagger UI would send it with every
/// request, and a facetLimit without a facet is a 400.</summary>
public sealed class FacetLimitDocs : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CollectionDoc>().FirstOrDefault() is not { Collection.Facets.Count: > 0 }) return;
        if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == "facet") is not { } facet) return;
        facet.Description = $"Count the whole filtered collection by these dimensions: `facets` lists each one's {Facet.DefaultLimit} most frequent values " +
                            "(or `facetLimit` of them) with their counts, most frequent first, then by value, and `facetOther` says how many values " +
                            "the list leaves out and the sum of their counts. Repeat for several. " + facet.Description!.Split("Repeat for several. ", 2)[^1];
        operation.Parameters.Insert(operation.Parameters.IndexOf(facet) + 1, new OpenApiParameter
        {
            Name = "facetLimit",
            In = ParameterLocation.Query,
            Description = $"How many values each facet lists, from 1 to {Facet.MaxLimit} (default {Facet.DefaultLimit}); without facet it limits nothing. " +
                          "Out-of-range values are a 400, never clamped.",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = Facet.MaxLimit.ToString(),
                Default = JsonValue.Create(Facet.DefaultLimit),
            },
        });
    }
}

public static class FacetLimitDocsRegistration
{
    /// <summary>Adds <see cref="FacetLimitDocs"/> after the archive's own operation filter.</summary>
    public static IServiceCollection AddFacetLimitDocs(this IServiceCollection services)
    {
        services.ConfigureSwaggerGen(options => options.OperationFilter<FacetLimitDocs>());
        return services;
    }
}
