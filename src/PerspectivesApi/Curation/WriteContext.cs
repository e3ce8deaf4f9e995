using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Curation;

/// <summary>What a document's validation may look at besides the document: the archive, and the
/// other records written with it. An import's manifest is validated whole before anything is written,
/// so a reference may point to a record the same manifest brings (a stance to an article it creates,
/// whose body is in the manifest).</summary>
public sealed class WriteContext(DbConnection connection)
{
    private readonly Dictionary<(string Collection, string Id), object> brought = [];

    public DbConnection Connection => connection;

    /// <summary>Who writes: the curator key's name, or seed-corpus. A stance read without saying by
    /// whom was read by them.</summary>
    public string? Curator { get; init; }

    /// <summary>How a stance that does not say how it was read was read: curated through the routes
    /// and the seed corpus, imported through POST /v1/imports.</summary>
    public string Method { get; init; } = Data.ReadingMethod.Curated;

    /// <summary>Makes <paramref name="document"/> the record with its id that this write brings.</summary>
    public void Bring<T>(WriteModel<T> model, T document) where T : class
    {
        if (model.IdOf(document) is { } id) brought[(model.Collection, id)] = document;
    }

    public bool Brings<T>(WriteModel<T> model, string id) where T : class => brought.ContainsKey((model.Collection, id));

    public async Task<bool> ExistsAsync<T>(WriteModel<T> model, string id) where T : class =>
        // The table name comes from the write model's fixed definition, never from the request.
        Brings(model, id) || await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {model.Table} WHERE id = @id", new { id }) > 0;

    /// <summary>The record as this write brings it, or as the archive holds it, or null.</summary>
    public async Task<T?> FindAsync<T>(WriteModel<T> model, string id) where T : class =>
        brought.TryGetValue((model.Collection, id), out var document) ? (T)document : await model.LoadAsync(connection, id);
}
