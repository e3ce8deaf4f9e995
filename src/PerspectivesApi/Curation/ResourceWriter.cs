using System.Collections;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Curation;

/// <summary>The one mechanism behind every write: read and parse the whole body first, then, in one
/// write transaction, validate it (listing every error), check If-Match, honour Idempotency-Key, apply
/// the change and record its revision, so that a failure leaves nothing behind, two writers cannot both
/// win, and no writer holds the lock while it waits for a client.</summary>
public sealed class ResourceWriter(Database database, IOptions<JsonOptions> jsonOptions)
{
    private JsonSerializerOptions Json => jsonOptions.Value.SerializerOptions;

    public async Task<IResult> CreateAsync<T>(HttpContext http, WriteModel<T> model, CancellationToken cancellationToken) where T : class
    {
        var (body, raw, parseErrors, problem) = await ReadAsync<T>(http, cancellationToken);
        if (problem is not null) return problem;
        var requestHash = RequestHash(raw);
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 255) return Problems.InvalidParameters(new Dictionary<string, string[]> { ["Idempotency-Key"] = ["must be at most 255 characters."] });

        await using var connection = await database.OpenAsync(cancellationToken);
        return await InTransactionAsync(database, connection, async () =>
        {
            if (idempotencyKey.Length > 0 && await ReplayAsync(connection, http, idempotencyKey, requestHash) is { } replay) return replay;

            var id = model.IdOf(body!) ?? (model.NameOf(body!) is { Length: > 0 } name ? Slugs.From(name) : null);
            var errors = parseErrors;
            if (id is null) errors.Add("id", $"is required when the {model.Resource} has no name to derive it from.");
            var document = id is null ? body! : model.WithId(body!, id);
            document = await model.ValidateAsync(new WriteContext(connection) { Curator = http.CuratorName() }, document, errors);
            if (errors.Count > 0) return Problems.InvalidFields(errors.ToDictionary());

            if (await model.LoadAsync(connection, id!) is not null)
                return Problems.Conflict($"{model.Name.WithArticleCapitalized} with the id '{id}' already exists: replace it with PUT, or choose another id.");
            if (await LastRevisionAsync(connection, model.Collection, id!) is { Action: "delete" })
                return Problems.Conflict($"The id '{id}' belonged to a deleted {model.Resource}; ids are never reused. Restore it from /v1/{model.Collection}/{id}/revisions, or choose another id.");

            await model.InsertAsync(connection, document);
            await RecordAsync(connection, http, model.Collection, id!, "create", null, document);
            var result = await RespondAsync(connection, http, model, id!, StatusCodes.Status201Created);
            if (idempotencyKey.Length > 0) await RememberAsync(connection, http, idempotencyKey, requestHash, result);
            return result.Result;
        }, cancellationToken);
    }

    public async Task<IResult> ReplaceAsync<T>(HttpContext http, WriteModel<T> model, string id, CancellationToken cancellationToken) where T : class
    {
        var (body, _, parseErrors, problem) = await ReadAsync<T>(http, cancellationToken);
        return await ChangeAsync(http, model, id, current =>
        {
            if (problem is not null) return (null, null, problem);
            if (model.IdOf(body!) is { } bodyId && bodyId != id) parseErrors.Add("id", $"is '{bodyId}' but the URL names '{id}'; ids cannot be changed.");
            return (model.WithId(body!, id), parseErrors, null);
        }, cancellationToken);
    }

    public async Task<IResult> PatchAsync<T>(HttpContext http, WriteModel<T> model, string id, CancellationToken cancellationToken) where T : class
    {
        // JSON Merge Patch (RFC 7396): members replace, null removes, objects merge.
        JsonNode? patch = null;
        IResult? malformed = null;
        try { patch = JsonNode.Parse(await RequestLimits.ReadBodyAsync(http, cancellationToken)); }
        catch (JsonException e) { malformed = Problems.MalformedBody(e.Message); }
        if (malformed is null && patch is not JsonObject) malformed = Problems.MalformedBody("A merge patch must be a JSON object.");
        return await ChangeAsync(http, model, id, current =>
        {
            if (malformed is not null) return (null, null, malformed);
            byte[] mergedBytes;
            try { mergedBytes = JsonSerializer.SerializeToUtf8Bytes(MergePatch(JsonSerializer.SerializeToNode(current, Json)!, patch), Json); }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { return (null, null, Problems.MalformedBody(InvalidText)); }
            var (document, parseErrors, problem) = Deserialize<T>(mergedBytes);
            if (problem is not null) return (null, null, problem);
            if (model.IdOf(document!) is { } bodyId && bodyId != id) parseErrors.Add("id", $"cannot be changed (from '{id}' to '{bodyId}').");
            return (model.WithId(document!, id), parseErrors, null);
        }, cancellationToken);
    }

    /// <summary>PUT and PATCH: If-Match against the current representation, then the new document.
    /// The body was read before: <paramref name="produce"/> only computes, in memory. Its problems are
    /// answered after the resource's own (404, 410, 428, 412), as a change to nothing cannot be malformed.</summary>
    private async Task<IResult> ChangeAsync<T>(
        HttpContext http, WriteModel<T> model, string id,
        Func<T, (T? Document, FieldErrors? Errors, IResult? Problem)> produce, CancellationToken cancellationToken) where T : class
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await InTransactionAsync(database, connection, async () =>
        {
            var current = await model.LoadAsync(connection, id);
            if (current is null) return await MissingAsync(connection, model, id);
            if (await CheckIfMatchAsync(connection, http, model, id, cancellationToken) is { } precondition) return precondition;

            var (produced, errors, problem) = produce(current);
            if (problem is not null || produced is null || errors is null) return problem ?? Problems.MalformedBody("The body could not be read.");
            var document = await model.ValidateAsync(new WriteContext(connection) { Curator = http.CuratorName() }, produced, errors);
            if (errors.Count > 0) return Problems.InvalidFields(errors.ToDictionary());

            await model.UpdateAsync(connection, document);
            await RecordAsync(connection, http, model.Collection, id, "update", current, document);
            return (await RespondAsync(connection, http, model, id, StatusCodes.Status200OK)).Result;
        }, cancellationToken);
    }

    public async Task<IResult> DeleteAsync<T>(HttpContext http, WriteModel<T> model, string id, CancellationToken cancellationToken) where T : class
    {
        var cascadeValues = http.Request.Query["cascade"];
        var cascade = cascadeValues is ["true"];
        if (cascadeValues.Count > 0 && (model.CascadeAsync is null || cascadeValues is not (["true"] or ["false"])))
            return Problems.InvalidParameters(new Dictionary<string, string[]>
            {
                ["cascade"] = [model.CascadeAsync is null
                    ? $"is not a parameter of this delete: deleting {model.Name.WithArticle} never deletes other resources."
                    : $"must be true or false, once; got '{cascadeValues}'."],
            });
        await using var connection = await database.OpenAsync(cancellationToken);
        return await InTransactionAsync(database, connection, async () =>
        {
            var current = await model.LoadAsync(connection, id);
            if (current is null) return await MissingAsync(connection, model, id);
            if (await CheckIfMatchAsync(connection, http, model, id, cancellationToken) is { } precondition) return precondition;

            if (await model.DeleteBlockerAsync(connection, id) is { } blocker)
            {
                if (!cascade || model.CascadeAsync is null)
                    return Problems.Conflict(blocker + (model.CascadeAsync is null ? "" : " Send ?cascade=true to delete them with it; each deletion is recorded."));
                foreach (var (collection, dependantId, document) in await model.CascadeAsync(connection, id))
                    await RecordAsync(connection, http, collection, dependantId, "delete", document, null, $"cascade from {model.Resource} {id}");
            }
            await model.DeleteAsync(connection, id);
            await RecordAsync(connection, http, model.Collection, id, "delete", current, null, cascade ? "cascade" : null);
            return TypedResults.NoContent();
        }, cancellationToken);
    }

    /// <summary>Makes the resource what revision <paramref name="seq"/> recorded (its after-state, or
    /// for a deletion its before-state), as a new revision: history is never rewritten.</summary>
    public async Task<IResult> RestoreAsync<T>(HttpContext http, WriteModel<T> model, string id, long seq, CancellationToken cancellationToken) where T : class
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await InTransactionAsync(database, connection, async () =>
        {
            var revision = await connection.QuerySingleOrDefaultAsync<RevisionRow>(
                "SELECT seq, collection, resource_id, action, curator, at, before, after, note FROM revisions WHERE seq = @seq AND collection = @collection AND resource_id = @id",
                new { seq, collection = model.Collection, id });
            if (revision is null) return Problems.NotFound("revision", $"{seq} of {model.Resource} {id}");
            var state = revision.After ?? revision.Before;
            var document = JsonSerializer.Deserialize<T>(state!, Json)!;

            var current = await model.LoadAsync(connection, id);
            if (current is not null && await CheckIfMatchAsync(connection, http, model, id, cancellationToken) is { } precondition) return precondition;
            var errors = new FieldErrors();
            document = await model.ValidateAsync(new WriteContext(connection) { Curator = http.CuratorName() }, document, errors);
            if (errors.Count > 0)
                return Problems.Conflict($"Revision {seq} cannot be restored as it is: {string.Join(" ", errors.ToDictionary().Select(e => $"{e.Key} {string.Join(" ", e.Value)}"))}");

            if (current is null) await model.InsertAsync(connection, document);
            else await model.UpdateAsync(connection, document);
            await RecordAsync(connection, http, model.Collection, id, "restore", current, document, $"restored revision {seq}");
            return (await RespondAsync(connection, http, model, id, StatusCodes.Status200OK)).Result;
        }, cancellationToken);
    }

    internal sealed class RevisionRow
    {
        public long Seq { get; init; }
        public string Collection { get; init; } = "";
        public string ResourceId { get; init; } = "";
        public string Action { get; init; } = "";
        public string Curator { get; init; } = "";
        public string At { get; init; } = "";
        public string? Before { get; init; }
        public string? After { get; init; }
        public string? Note { get; init; }
    }

    private static async Task<RevisionRow?> LastRevisionAsync(SqliteConnection connection, string collection, string id) =>
        await connection.QuerySingleOrDefaultAsync<RevisionRow>(
            "SELECT seq, collection, resource_id, action, curator, at, before, after, note FROM revisions WHERE collection = @collection AND resource_id = @id ORDER BY seq DESC LIMIT 1",
            new { collection, id });

    /// <summary>404, or 410 for a resource that was deleted (its history stays readable).</summary>
    private static async Task<IResult> MissingAsync<T>(SqliteConnection connection, WriteModel<T> model, string id) where T : class =>
        await LastRevisionAsync(connection, model.Collection, id) is { Action: "delete" } deleted
            ? Problems.Gone(model.Resource, id, deleted.At, deleted.Curator, $"/v1/{model.Collection}/{id}/revisions")
            : Problems.NotFound(model.Resource, id);

    private async Task<IResult?> CheckIfMatchAsync<T>(SqliteConnection connection, HttpContext http, WriteModel<T> model, string id, CancellationToken cancellationToken) where T : class
    {
        var ifMatch = http.Request.Headers.IfMatch;
        if (ifMatch.Count == 0)
            return Problems.PreconditionRequired($"Send If-Match with the ETag of GET /v1/{model.Collection}/{id}, so that a change made meanwhile is not overwritten.");
        var representation = await model.RepresentAsync(connection, id, cancellationToken);
        var etag = CachedJson.ETagOf(JsonSerializer.SerializeToUtf8Bytes(representation, representation!.GetType(), Json));
        if (!ETags.MatchesStrongly(ifMatch, etag))
            return Problems.PreconditionFailed($"The {model.Resource} has changed since that ETag was read (it is now {etag}). GET it again, re-apply the change and retry.");
        return null;
    }

    private async Task<(IResult Result, int Status, string Location, string ETag, byte[] Body)> RespondAsync<T>(
        SqliteConnection connection, HttpContext http, WriteModel<T> model, string id, int status) where T : class
    {
        var representation = await model.RepresentAsync(connection, id, http.RequestAborted);
        var body = JsonSerializer.SerializeToUtf8Bytes(representation, representation!.GetType(), Json);
        var etag = CachedJson.ETagOf(body);
        var location = $"/v1/{model.Collection}/{id}";
        return (new StoredResponse(status, location, etag, body), status, location, etag, body);
    }

    private static Task RecordAsync(SqliteConnection connection, HttpContext http, string collection, string id, string action, object? before, object? after, string? note = null) =>
        History.RecordAsync(connection, http.CuratorName(), collection, id, action, before, after, note);

    internal static string RequestHash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    internal static async Task<IResult?> ReplayAsync(SqliteConnection connection, HttpContext http, string idempotencyKey, string requestHash)
    {
        var stored = await connection.QuerySingleOrDefaultAsync<(string RequestHash, long Status, string? Location, string? Etag, string Body)>(
            "SELECT request_hash, status, location, etag, body FROM idempotency WHERE key_id = @keyId AND idempotency_key = @idempotencyKey",
            new { keyId = http.CuratorKeyId(), idempotencyKey });
        if (stored.Body is null) return null;
        if (stored.RequestHash != requestHash)
            return Problems.InvalidFields(new Dictionary<string, string[]>
            {
                ["Idempotency-Key"] = [$"'{idempotencyKey}' was already used with a different request body; use a new key for a new request."],
            });
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return new StoredResponse((int)stored.Status, stored.Location, stored.Etag, Encoding.UTF8.GetBytes(stored.Body));
    }

    private static Task RememberAsync(SqliteConnection connection, HttpContext http, string idempotencyKey, string requestHash,
        (IResult Result, int Status, string Location, string ETag, byte[] Body) response) =>
        RememberAsync(connection, http, idempotencyKey, requestHash, response.Status, response.Location, response.ETag, response.Body);

    internal static Task RememberAsync(SqliteConnection connection, HttpContext http, string idempotencyKey, string requestHash,
        int status, string? location, string? etag, byte[] body) =>
        connection.ExecuteAsync("""
            INSERT INTO idempotency (key_id, idempotency_key, request_hash, status, location, etag, body, created_at)
            VALUES (@keyId, @idempotencyKey, @requestHash, @status, @location, @etag, @body, @now)
            """,
            new
            {
                keyId = http.CuratorKeyId(), idempotencyKey, requestHash, status, location,
                etag, body = Encoding.UTF8.GetString(body), now = DateTimeOffset.UtcNow.ToString("O"),
            });

    /// <summary>Runs <paramref name="work"/> in BEGIN IMMEDIATE … COMMIT: the write lock is taken
    /// first, so concurrent writers are serialised; any answer but a 2xx, or any exception, rolls back.
    /// <paramref name="work"/> must not read the request: the body is read before, so the lock is never
    /// held while a client sends. Writers of this process queue for their turn first
    /// (<see cref="Database.WaitForWriteTurnAsync"/>); a turn or a lock that does not come within the
    /// busy timeout is SQLITE_BUSY, which <see cref="ProblemExceptionHandler"/> answers 503 with Retry-After.</summary>
    internal static async Task<IResult> InTransactionAsync(Database database, SqliteConnection connection, Func<Task<IResult>> work, CancellationToken cancellationToken)
    {
        using var turn = await database.WaitForWriteTurnAsync(cancellationToken)
            ?? throw new SqliteException($"database is locked: no turn to write within the busy timeout ({database.BusyTimeout.TotalSeconds:0} s)", SQLitePCL.raw.SQLITE_BUSY);
        await connection.ExecuteAsync("BEGIN IMMEDIATE");
        try
        {
            var result = await work();
            var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
            await connection.ExecuteAsync(status is >= 200 and < 300 ? "COMMIT" : "ROLLBACK");
            return result;
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK");
            throw;
        }
    }

    /// <summary>Reads the body as <typeparamref name="T"/>, listing every unknown member and type error.</summary>
    /// <summary>Reads the body as <typeparamref name="T"/>. Unknown members are collected as field
    /// errors (to be reported with the validation's, all at once); a body that is not JSON, or a field
    /// of the wrong type, ends the request here.</summary>
    internal async Task<(T? Body, byte[] Raw, FieldErrors Errors, IResult? Problem)> ReadAsync<T>(HttpContext http, CancellationToken cancellationToken) where T : class
    {
        if (http.Request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, [], new FieldErrors(), Problems.UnsupportedMediaType());
        var raw = await RequestLimits.ReadBodyAsync(http, cancellationToken);
        var (body, errors, problem) = Deserialize<T>(raw);
        return (body, raw, errors, problem);
    }

    private (T? Body, FieldErrors Errors, IResult? Problem) Deserialize<T>(byte[] raw) where T : class
    {
        var errors = new FieldErrors();
        JsonElement element;
        try { element = JsonDocument.Parse(raw).RootElement; }
        catch (JsonException e) { return (null, errors, Problems.MalformedBody(e.Message)); }
        if (element.ValueKind != JsonValueKind.Object) return (null, errors, Problems.MalformedBody("The body must be a JSON object."));

        try { CheckMembers(element, typeof(T), "", errors); }
        catch (InvalidOperationException) { return (null, errors, Problems.MalformedBody(InvalidText)); }
        try
        {
            // Unknown members are already errors; the rest of the document is still validated.
            return (element.Deserialize<T>(Json), errors, null);
        }
        catch (JsonException e)
        {
            var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            errors.Add(path.Length == 0 ? "body" : path, "has the wrong type: " + e.Message.Split(" Path:")[0]);
            return (null, errors, Problems.InvalidFields(errors.ToDictionary()));
        }
    }

    /// <summary>No mass assignment: a member the document type does not have is an error, not ignored.</summary>
    private static void CheckMembers(JsonElement element, Type type, string path, FieldErrors errors)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]);
        foreach (var member in element.EnumerateObject())
        {
            var at = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
            if (!properties.TryGetValue(member.Name, out var property)) { errors.Add(at, "is not a field of this resource."); continue; }
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (member.Value.ValueKind == JsonValueKind.Object && propertyType.IsClass && propertyType != typeof(string))
                CheckMembers(member.Value, propertyType, at, errors);
            else if (member.Value.ValueKind == JsonValueKind.Array && propertyType.IsGenericType && typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                var itemType = propertyType.GetGenericArguments()[0];
                var index = 0;
                foreach (var item in member.Value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && itemType.IsClass && itemType != typeof(string)) CheckMembers(item, itemType, $"{at}[{index}]", errors);
                    index++;
                }
            }
        }
    }

    /// <summary>JSON lets a string escape half of a UTF-16 pair (<c>"\ud800"</c>); no text can hold it.</summary>
    private const string InvalidText = "A name or string in it is not valid Unicode (a \\uD800–\\uDFFF escape without its other half).";

    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null) result.Remove(name);
            else result[name] = MergePatch(result[name]?.DeepClone(), value);
        }
        return result;
    }
}

/// <summary>A write's answer, as first sent and as replayed for a retried Idempotency-Key.</summary>
public sealed class StoredResponse(int status, string? location, string? etag, byte[] body) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = status;
        if (location is not null) http.Response.Headers.Location = location;
        if (etag is not null) http.Response.Headers.ETag = etag;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
