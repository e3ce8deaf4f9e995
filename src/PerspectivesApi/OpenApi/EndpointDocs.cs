using PerspectivesApi.Http;

namespace PerspectivesApi.OpenApi;

/// <summary>Metadata that <see cref="ArchiveOperationFilter"/> turns into OpenAPI parameters and examples.</summary>
public sealed record CollectionDoc(Collection Collection);

public sealed record ResourceDoc(ResourceName Resource);

public sealed record ResponseExample(object Value);

/// <summary>The document a write endpoint accepts, and its request example.</summary>
public sealed record WriteDoc(Type DocumentType, object Example);

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
    public static RouteHandlerBuilder Writes<TDocument>(this RouteHandlerBuilder endpoint, TDocument documentExample, object representationExample, int success, params int[] problems)
        where TDocument : class
    {
        endpoint
            .RequireAuthorization(Curation.CuratorAuthentication.Policy)
            .WithMetadata(new ResponseExample(representationExample), new WriteDoc(typeof(TDocument), documentExample))
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

    /// <summary>A fixed document (not a collection, no id): 200 with an ETag, or 304.</summary>
    public static RouteHandlerBuilder ProducesDocument<T>(this RouteHandlerBuilder endpoint, T example) where T : notnull =>
        endpoint
            .WithMetadata(new ResponseExample(example))
            .Produces<T>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem();

    /// <summary>A single-resource endpoint: the resource, 404 when there is none, 410 when it was deleted,
    /// 304 for a current ETag.</summary>
    public static RouteHandlerBuilder FindsResource<T>(this RouteHandlerBuilder endpoint, ResourceName resource, T example) where T : notnull =>
        endpoint
            .WithMetadata(new ResourceDoc(resource))
            .ProducesDocument(example)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);

    /// <summary>Every operation refuses the query parameters it does not take (400 naming each): a misspelt
    /// parameter must not pass unnoticed, nor make the response cache keep copies. A collection's parameters are
    /// checked by <see cref="ListRequest"/>, which knows its filters; every other operation takes none, but a
    /// delete that cascades takes <c>cascade</c>. Attached once, to the /v1 group, so no route can miss it.</summary>
    public static RouteGroupBuilder RefusesUnknownQueryParameters(this RouteGroupBuilder group) =>
        group.AddEndpointFilter((context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.Query.Count == 0) return next(context);
            var metadata = http.GetEndpoint()?.Metadata;
            if (metadata?.GetMetadata<CollectionDoc>() is not null) return next(context);
            string[] accepted = metadata?.GetMetadata<CascadeDoc>() is not null ? ["cascade"]
                : metadata?.GetMetadata<Exports.TableDownloadDoc>() is { } download
                    ? [.. download.FormatParameter ? new[] { "format" } : [], .. download.LimitParameter ? new[] { "limit" } : []]
                    : [];
            var unknown = http.Request.Query.Keys.Where(k => !accepted.Contains(k)).ToList();
            if (unknown.Count == 0) return next(context);
            var takes = accepted.Length == 0 ? "this operation takes none." : $"this operation takes only {string.Join(", ", accepted)}.";
            return ValueTask.FromResult<object?>(Problems.InvalidParameters(unknown.ToDictionary(name => name, _ => new[] { $"is not a parameter: {takes}" })));
        });
}
