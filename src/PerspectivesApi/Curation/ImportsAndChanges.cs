using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Dapper;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Curation;

/// <summary>One change in the feed: what happened to which resource, and the resource as it then was.</summary>
public sealed record Change(
    [property: Description("The change's position in the archive's history; pass the last one seen as `since`.")] long Seq,
    [property: FromVocabulary("collection name"), Description("outlets, authors, articles, topics or stances.")] string Collection,
    [property: Description("The resource's id.")] string Id,
    [property: FromVocabulary("revision action"), Description("create, update, delete or restore.")] string Action,
    [property: Description("Who made it: a curator key's name, or seed-corpus.")] string Curator,
    [property: Description("When (UTC).")] string At,
    [property: Description("The resource's writable document after the change, as `collection` says: an OutletDocument, AuthorDocument, TopicDocument, ArticleDocument or StanceDocument; null for a deletion. Left untyped here because the feed mixes collections (a oneOf of the five makes NSwag read every change as an outlet); GET …/{id}/revisions has it typed.")] JsonElement? Document,
    [property: Description("Why, when recorded: an import, a cascade, a restore.")] string? Note);

/// <summary>What an import created, updated and left unchanged.</summary>
public sealed record ImportResult(
    [property: Description("Counts per kind of record.")] ImportReport Report,
    [property: Description("The history position after the import; GET /v1/changes?since=… shows from here on.")] long Seq);

public static class ImportsAndChanges
{
    public static void MapImportsAndChanges(this IEndpointRouteBuilder v1)
    {
        v1.MapPost("/imports", ImportAsync)
            .WithTags("Curation")
            .WithName("importManifest")
            .WithSummary("Import a manifest of outlets, authors, topics, articles and stances")
            .WithDescription("""
                Applies a manifest in the seed corpus's format (db/seed/README.md), with each article's `body` as its text, atomically:
                everything is validated first and either all of it is applied or none of it. Each record is checked by the same rules
                as its resource's POST and PUT, with the same messages, keyed by its place in the manifest (`outlets[0].url`); every
                record needs an id, unique within its list. References may point into the manifest or the archive, and stance
                offsets may be left out; a stance that does not say how it was read is recorded as imported by the importing
                key. A `removed` list names stances the manifest no longer holds, each with its reason: they are deleted, the
                reason recorded in the deletion's revision. Existing records are updated, equal ones left alone, and each change is
                recorded as a revision. The answer counts what was created, updated and unchanged. With an Idempotency-Key, a retry
                answers as the first request did and applies nothing again.
                """)
            .RequireAuthorization(CuratorAuthentication.Policy)
            .WithRequestBodyLimit(limits => limits.MaxImportBodyBytes)
            .WithMetadata(new ResponseExample(new ImportResult(
                new ImportReport(new(1, 0, 3), new(0, 0, 12), new(0, 0, 8), new(1, 0, 5), new(3, 1, 35)), 120)), new WriteDoc(typeof(CorpusManifest), Examples.Manifest))
            .Accepts<CorpusManifest>("application/json")
            .Produces<ImportResult>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        v1.MapGet("/changes", (HttpContext http, CollectionReader reader, CancellationToken ct) =>
                reader.ListAsync<RevisionQueries.Row, Change>(http, RevisionQueries.Changes, RevisionQueries.ChangesAsync, ct))
            .WithTags("Curation")
            .WithName("listChanges")
            .WithSummary("Follow every change to the archive")
            .WithDescription("""
                The archive's history in order, from the seed corpus on: each change's seq, resource, action, curator, time and the
                resource's document after it (null for a deletion). Keep a mirror in sync by storing the last seq seen and asking
                for `since` it; replaying the whole feed into an empty store reproduces the archive. Paged like every collection:
                follow `nextCursor` (or the Link header) to the end; it is null when the feed is exhausted for now.
                """)
            .ListsCollection(RevisionQueries.Changes, new Page<Change>(
                [new Change(121, "outlets", "turan-information-agency", "create", "alice", "2026-11-23T10:15:00.000Z",
                    JsonDocument.Parse("""{"id":"turan-information-agency","name":"Turan Information Agency","kind":"news-agency","country":"AZ","url":null,"description":null}""").RootElement, null)],
                "WyJ4eTEyMyIsMTIxLDEyMV0.c2lnbmF0dXJlMTIzNDU2", null));
    }

    private static async Task<IResult> ImportAsync(HttpContext http, ResourceWriter writer, Database database, CancellationToken cancellationToken)
    {
        var (manifest, raw, parseErrors, problem) = await writer.ReadAsync<CorpusManifest>(http, cancellationToken);
        if (problem is not null) return problem;

        await using var connection = await database.OpenAsync(cancellationToken);
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        var requestHash = ResourceWriter.RequestHash(raw);
        return await ResourceWriter.InTransactionAsync(database, connection, async () =>
        {
            // A retried import (same Idempotency-Key, same body) answers as the first did and applies nothing again.
            if (idempotencyKey.Length > 0 && await ResourceWriter.ReplayAsync(connection, http, idempotencyKey, requestHash) is { } replay) return replay;
            // Unknown members and every record's own errors, listed at once, as the resource routes do.
            var errors = parseErrors;
            var context = new WriteContext(connection) { Curator = http.CuratorName(), Method = ReadingMethod.Imported };
            var validated = await CorpusImport.ValidateAsync(context, manifest!, errors);
            if (errors.Count > 0) return Problems.InvalidFields(errors.ToDictionary());

            var report = await CorpusImport.UpsertAsync(connection, validated, http.CuratorName(), "import");
            var seq = await connection.ExecuteScalarAsync<long>("SELECT coalesce(max(seq), 0) FROM revisions");
            var body = JsonSerializer.SerializeToUtf8Bytes(new ImportResult(report, seq), History.Json);
            if (idempotencyKey.Length > 0) await ResourceWriter.RememberAsync(connection, http, idempotencyKey, requestHash, StatusCodes.Status200OK, null, null, body);
            return new StoredResponse(StatusCodes.Status200OK, null, null, body);
        }, cancellationToken);
    }
}
