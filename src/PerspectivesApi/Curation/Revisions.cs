using System.ComponentModel;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Curation;

/// <summary>One revision of a resource, as GET /v1/{collection}/{id}/revisions lists it: the writable
/// document (<typeparamref name="TDocument"/>) before and after the change.</summary>
public sealed record Revision<TDocument>(
    [property: Description("The revision's position in the archive's history (the seq of GET /v1/changes).")] long Seq,
    [property: FromVocabulary("collection name"), Description("The collection of the resource.")] string Collection,
    [property: Description("The resource's id.")] string Id,
    [property: FromVocabulary("revision action"), Description("What the write did.")] string Action,
    [property: Description("Who made it: a curator key's name, or seed-corpus.")] string Curator,
    [property: Description("When (UTC, ISO 8601).")] string At,
    [property: Description("The resource's writable document before the change; null for a creation.")] TDocument? Before,
    [property: Description("The resource's writable document after the change; null for a deletion.")] TDocument? After,
    [property: Description("Why, when recorded: an import, a cascade, a restore.")] string? Note)
    where TDocument : class;

/// <summary>The archive's history read as collections, through the one paging mechanism every list uses
/// (<see cref="CollectionReader"/>): a resource's revisions, and the changes feed across all resources.</summary>
public static class RevisionQueries
{
    private const string Columns = "r.seq, r.collection, r.resource_id, r.action, r.curator, r.at, r.before, r.after, r.note";

    private static readonly Sort BySeq = new("seq", "r.seq", "In the order the changes were made (seq).");

    /// <summary>Where the feed starts: only changes after this seq.</summary>
    public static readonly Filter Since = new("since", FilterKind.Sequence, "r.seq > @since",
        "Only changes after this seq (0, the default, for the whole history): where a mirror that stored the last seq it saw picks up. " +
        "Pages after the first follow nextCursor as in every collection.", "120");

    /// <summary>GET /v1/changes: every revision of every resource, oldest first.</summary>
    public static readonly Collection Changes = new(
        Name: "changes", Columns: Columns, From: "revisions r", IdColumn: "r.seq",
        Filters: [Since], Sorts: [BySeq], DefaultSort: "seq")
    {
        // A mirror catching up reads many at once.
        DefaultLimit = 100,
        MaxLimit = 1000,
    };

    /// <summary>GET /v1/{collection}/{id}/revisions: one resource's revisions, oldest first. The resource's id
    /// comes from the path; the collection is fixed by the route, never taken from the request.</summary>
    public static Collection Of(string collection, string resource) => new(
        Name: $"revisions of {resource}", Columns: Columns, From: "revisions r", IdColumn: "r.seq",
        Filters: [Since with { Description = "Only revisions after this seq (0, the default, for the whole history)." }],
        Sorts: [BySeq], DefaultSort: "seq")
    {
        Family = "revisions",
        PathFilter = new Filter("id", FilterKind.Id, $"r.collection = '{collection}' AND r.resource_id IN @id", $"The {resource}'s id.", ""),
    };

    /// <summary>A revision as stored; the documents are JSON in the writable shape.</summary>
    public sealed class Row : IPageRow
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
        public object SortKey { get; init; } = 0L;
        public object PageId { get; init; } = 0L;
    }

    public static Task<IReadOnlyList<Revision<T>>> RevisionsAsync<T>(SqliteConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken)
        where T : class =>
        Task.FromResult<IReadOnlyList<Revision<T>>>(rows.Select(r => new Revision<T>(r.Seq, r.Collection, r.ResourceId, r.Action, r.Curator, r.At,
            Document<T>(r.Before), Document<T>(r.After), r.Note)).ToList());

    public static Task<IReadOnlyList<Change>> ChangesAsync(SqliteConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Change>>(rows.Select(r => new Change(r.Seq, r.Collection, r.ResourceId, r.Action, r.Curator, r.At,
            r.After is null ? null : JsonDocument.Parse(r.After).RootElement.Clone(), r.Note)).ToList());

    /// <summary>Stored documents were written from the same records (History.RecordAsync), in the same JSON.</summary>
    private static T? Document<T>(string? json) where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, History.Json);

    /// <summary>Whether the archive has, or had, the resource: its revisions stay readable after deletion.</summary>
    public static async Task<bool> KnownAsync(SqliteConnection connection, string collection, string table, string id, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            // The table name comes from the write model's fixed definition, never from the request.
            $"SELECT EXISTS (SELECT 1 FROM revisions WHERE collection = @collection AND resource_id = @id) OR EXISTS (SELECT 1 FROM {table} WHERE id = @id)",
            new { collection, id }, cancellationToken: cancellationToken)) == 1;
}
