using PerspectivesApi.Http;

namespace PerspectivesApi.OpenApi;

/// <summary>Metadata that <see cref="ArchiveOperationFilter"/> turns into OpenAPI parameters and examples.</summary>
public sealed record CollectionDoc(Collection Collection);

public sealed record ResourceDoc(string Resource);

public sealed record ResponseExample(object Value);

/// <summary>The document type a write endpoint accepts, for its request example.</summary>
public sealed record WriteDoc(Type DocumentType);

/// <summary>A delete that takes <c>?cascade=true</c>.</summary>
public sealed record CascadeDoc;

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

    /// <summary>A write: needs a curator key; answers the resource (with its new ETag) or a problem.</summary>
    public static RouteHandlerBuilder Writes<TDocument>(this RouteHandlerBuilder endpoint, object representationExample, int success, params int[] problems)
    {
        endpoint
            .RequireAuthorization(Curation.CuratorAuthentication.Policy)
            .WithMetadata(new ResponseExample(representationExample), new WriteDoc(typeof(TDocument)))
            .Accepts<TDocument>("application/json")
            .Produces(success, representationExample.GetType(), "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        foreach (var status in problems) endpoint.ProducesProblem(status);
        return endpoint;
    }

    /// <summary>A delete: needs a curator key; 204, or a problem. With <paramref name="cascades"/>, it takes ?cascade=true.</summary>
    public static RouteHandlerBuilder Deletes(this RouteHandlerBuilder endpoint, bool cascades, params int[] problems)
    {
        endpoint
            .RequireAuthorization(Curation.CuratorAuthentication.Policy)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        if (cascades) endpoint.WithMetadata(new CascadeDoc());
        foreach (var status in problems) endpoint.ProducesProblem(status);
        return endpoint;
    }

    /// <summary>A restore: needs a curator key, takes no body (the revision is the document); answers the
    /// resource with its new ETag, or a problem.</summary>
    public static RouteHandlerBuilder Restores(this RouteHandlerBuilder endpoint, object representationExample, params int[] problems)
    {
        endpoint
            .RequireAuthorization(Curation.CuratorAuthentication.Policy)
            .WithMetadata(new ResponseExample(representationExample))
            .Produces(StatusCodes.Status200OK, representationExample.GetType(), "application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        foreach (var status in problems) endpoint.ProducesProblem(status);
        return endpoint;
    }

    /// <summary>A resource's history: the whole of it, so it takes no parameters.</summary>
    public static RouteHandlerBuilder ListsRevisions(this RouteHandlerBuilder endpoint) =>
        endpoint
            .WithMetadata(new ResponseExample(Examples.RevisionPage))
            .AddEndpointFilter(RefuseQueryParameters)
            .Produces<Page<Curation.Revision>>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>A fixed document (not a collection, no id): 200 with an ETag, or 304.</summary>
    public static RouteHandlerBuilder ProducesDocument<T>(this RouteHandlerBuilder endpoint, T example) where T : notnull =>
        endpoint
            .WithMetadata(new ResponseExample(example))
            .AddEndpointFilter(RefuseQueryParameters)
            .Produces<T>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem();

    /// <summary>A single-resource endpoint: the resource, 404 when there is none, 410 when it was deleted,
    /// 304 for a current ETag.</summary>
    public static RouteHandlerBuilder FindsResource<T>(this RouteHandlerBuilder endpoint, string resource, T example) where T : notnull =>
        endpoint
            .WithMetadata(new ResourceDoc(resource))
            .ProducesDocument(example)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);

    /// <summary>A document takes no query parameters, so any is refused, as lists refuse the ones they do
    /// not know: a misspelt parameter must not pass unnoticed (nor make the response cache keep copies).</summary>
    private static ValueTask<object?> RefuseQueryParameters(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var query = context.HttpContext.Request.Query;
        if (query.Count == 0) return next(context);
        return ValueTask.FromResult<object?>(Problems.InvalidParameters(
            query.Keys.ToDictionary(name => name, _ => new[] { "is not a parameter: this document takes none." })));
    }
}
