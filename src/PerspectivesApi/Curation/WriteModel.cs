using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Curation;

/// <summary>What the shared write machinery needs to know about one resource: its writable document
/// (<typeparamref name="TDocument"/>, also what revisions store), how to validate, store and remove it,
/// and how to read the representation GET returns (whose hash is the ETag that If-Match checks).</summary>
public sealed class WriteModel<TDocument> where TDocument : class
{
    public required string Collection { get; init; }
    public required string Resource { get; init; }
    public required string Table { get; init; }

    public required Func<TDocument, string?> IdOf { get; init; }
    /// <summary>The text an id is derived from when the client gives none (a name or title).</summary>
    public required Func<TDocument, string?> NameOf { get; init; }
    public required Func<TDocument, string, TDocument> WithId { get; init; }

    /// <summary>The stored resource as a writable document, or null when there is none.</summary>
    public required Func<SqliteConnection, string, Task<TDocument?>> LoadAsync { get; init; }
    /// <summary>What GET /v1/{collection}/{id} answers.</summary>
    public required Func<SqliteConnection, string, CancellationToken, Task<object?>> RepresentAsync { get; init; }
    /// <summary>Checks every field and reference; may normalise the document (e.g. find a quote's offsets).</summary>
    public required Func<SqliteConnection, TDocument, FieldErrors, Task<TDocument>> ValidateAsync { get; init; }
    public required Func<SqliteConnection, TDocument, Task> InsertAsync { get; init; }
    public required Func<SqliteConnection, TDocument, Task> UpdateAsync { get; init; }
    /// <summary>Why the resource cannot be deleted (other resources refer to it), or null.</summary>
    public required Func<SqliteConnection, string, Task<string?>> DeleteBlockerAsync { get; init; }
    public required Func<SqliteConnection, string, Task> DeleteAsync { get; init; }

    /// <summary>For resources that offer <c>?cascade=true</c>: the dependants deleted with them, as
    /// (collection, id, document) so each deletion is recorded in the history too.</summary>
    public Func<SqliteConnection, string, Task<IReadOnlyList<(string Collection, string Id, object Document)>>>? CascadeAsync { get; init; }
}
