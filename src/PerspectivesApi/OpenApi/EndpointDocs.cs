using PerspectivesApi.Http;

namespace PerspectivesApi.OpenApi;

/// <summary>Metadata that <see cref="ArchiveOperationFilter"/> turns into OpenAPI parameters and examples.</summary>
public sealed record CollectionDoc(Collection Collection);

public sealed record ResourceDoc(string Resource);

public sealed record ResponseExample(object Value);

/// <summary>What the route tables say about each endpoint: the responses it can give and their examples.</summary>
public static class EndpointDocs
{
    /// <summary>A collection endpoint: a page of <typeparamref name="T"/>, 400 for bad parameters,
    /// 404 when a nested collection's parent is missing, 304 for a current ETag.</summary>
    public static RouteHandlerBuilder ListsCollection<T>(this RouteHandlerBuilder endpoint, Collection collection, Page<T> example)
    {
        endpoint
            .WithMetadata(new CollectionDoc(collection), new ResponseExample(example))
            .Produces<Page<T>>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status406NotAcceptable);
        if (collection.Parent is not null) endpoint.ProducesProblem(StatusCodes.Status404NotFound);
        return endpoint;
    }

    /// <summary>A fixed document (not a collection, no id): 200 with an ETag, or 304.</summary>
    public static RouteHandlerBuilder ProducesDocument<T>(this RouteHandlerBuilder endpoint, T example) where T : notnull =>
        endpoint
            .WithMetadata(new ResponseExample(example))
            .Produces<T>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified);

    /// <summary>A single-resource endpoint: the resource, 404 when there is none, 304 for a current ETag.</summary>
    public static RouteHandlerBuilder FindsResource<T>(this RouteHandlerBuilder endpoint, string resource, T example) where T : notnull =>
        endpoint
            .WithMetadata(new ResourceDoc(resource), new ResponseExample(example))
            .Produces<T>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
