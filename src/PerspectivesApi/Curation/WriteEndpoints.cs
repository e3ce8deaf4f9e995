using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Curation;

/// <summary>The write routes every resource has, mapped from its <see cref="WriteModel{T}"/>, each
/// requiring a curator key.</summary>
public static class WriteEndpoints
{
    /// <returns>The group of write routes, for settings that only they need (a larger body limit).</returns>
    /// <param name="representationExample">What the writes answer (the resource as GET reads it).</param>
    /// <param name="documentExample">What the writes take: the request example, and the revisions' document.</param>
    public static RouteGroupBuilder MapWrites<T>(this RouteGroupBuilder group, WriteModel<T> model, object representationExample, T documentExample) where T : class
    {
        var name = model.Name;
        var resource = name.Singular;
        // Every route below takes the resource's id: let the OpenAPI filter describe it.
        group = group.MapGroup("").WithMetadata(new ResourceDoc(name));
        var Resource = name.Pascal;
        var revisions = RevisionQueries.Of(name.Collection, resource);

        group.MapPost("/", (HttpContext http, ResourceWriter writer, CancellationToken ct) => writer.CreateAsync(http, model, ct))
            .WithName($"create{Resource}")
            .WithSummary($"Create {name.WithArticle}")
            .WithDescription($"""
                Adds {name.WithArticle}. The id is the client's slug, or derived from the {model.DerivesIdFrom} when left out.
                Every field is checked before anything is written and every error is listed at once (422); unknown fields are refused.
                Text is plain text: control characters are refused, and line breaks and tabs belong only in an article's body and a stance's quote.
                Send an Idempotency-Key to make retries safe: a repeat replays the first answer and creates nothing; the same key with
                another body is a 422. The change is recorded as a revision.
                """)
            .Writes(documentExample, representationExample, StatusCodes.Status201Created, StatusCodes.Status409Conflict);

        group.MapPut("/{id}", (string id, HttpContext http, ResourceWriter writer, CancellationToken ct) => writer.ReplaceAsync(http, model, id, ct))
            .WithName($"replace{Resource}")
            .WithSummary($"Replace {name.WithArticle}")
            .WithDescription($"Replaces the {resource} with the document sent (fields left out become null). Requires If-Match with the ETag of GET /v1/{model.Collection}/{{id}}: 428 without it, 412 when the {resource} changed meanwhile. Recorded as a revision.")
            .Writes(documentExample, representationExample, StatusCodes.Status200OK, StatusCodes.Status404NotFound, StatusCodes.Status410Gone, StatusCodes.Status412PreconditionFailed, StatusCodes.Status428PreconditionRequired);

        group.MapPatch("/{id}", (string id, HttpContext http, ResourceWriter writer, CancellationToken ct) => writer.PatchAsync(http, model, id, ct))
            .WithName($"update{Resource}")
            .WithSummary($"Update part of {name.WithArticle}")
            .WithDescription($"Changes the fields sent, as a JSON Merge Patch (RFC 7396: a member replaces, null removes, an object merges). Requires If-Match, like PUT. Recorded as a revision.")
            .Writes(documentExample, representationExample, StatusCodes.Status200OK, StatusCodes.Status404NotFound, StatusCodes.Status410Gone, StatusCodes.Status412PreconditionFailed, StatusCodes.Status428PreconditionRequired);

        group.MapDelete("/{id}", (string id, HttpContext http, ResourceWriter writer, CancellationToken ct) => writer.DeleteAsync(http, model, id, ct))
            .WithName($"delete{Resource}")
            .WithSummary($"Delete {name.WithArticle}")
            .WithDescription($"Deletes the {resource}, leaving a tombstone: GET then answers 410, and its history stays at /v1/{model.Collection}/{{id}}/revisions, from which it can be restored. Requires If-Match. " +
                             (model.CascadeAsync is null ? $"Refused with 409 while other resources refer to it." : "Refused with 409 while stances refer to it, unless ?cascade=true, which deletes them too and records each deletion."))
            .Deletes(cascades: model.CascadeAsync is not null, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone, StatusCodes.Status412PreconditionFailed, StatusCodes.Status428PreconditionRequired);

        group.MapGet("/{id}/revisions", async (string id, HttpContext http, CollectionReader reader, Data.Database database, CancellationToken ct) =>
            {
                await using (var connection = await database.OpenReadAsync(ct))
                    if (!await RevisionQueries.KnownAsync(connection, name.Collection, name.Table, id, ct)) return Problems.NotFound(resource, id);
                return await reader.ListAsync<RevisionQueries.Row, Revision<T>>(http, revisions, RevisionQueries.RevisionsAsync<T>, ct, pathValue: id);
            })
            .WithName($"list{Resource}Revisions")
            .WithSummary($"List {name.WithArticle}'s revisions")
            .WithDescription($"Every write to the {resource}, oldest first: who, when, which action, and the full document before and after. Readable after deletion. Paged like every collection. Anonymous, like every read.")
            .ListsCollection(revisions, Examples.RevisionsOf(model, documentExample))
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/revisions/{seq:long}/restore", (string id, long seq, HttpContext http, ResourceWriter writer, CancellationToken ct) => writer.RestoreAsync(http, model, id, seq, ct))
            .WithName($"restore{Resource}Revision")
            .WithSummary($"Restore {name.WithArticle} to a revision")
            .WithDescription($"Makes the {resource} what the revision recorded (its after-state, or for a deletion its before-state), undeleting it if needed. The restore is itself a new revision. Requires If-Match when the {resource} exists.")
            .Restores(representationExample, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed, StatusCodes.Status428PreconditionRequired);
        return group;
    }
}
