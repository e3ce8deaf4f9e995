using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

/// <summary>Reads one resource by id: 200 with an ETag, 304 when the client's copy is current, or a
/// 404 problem naming what was not found.</summary>
public sealed class ResourceReader(Database database)
{
    public async Task<IResult> FindAsync<T>(
        ResourceName resource, string id, Func<DbConnection, string, CancellationToken, Task<T?>> find, CancellationToken cancellationToken)
        where T : class
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var value = await find(connection, id, cancellationToken);
        if (value is not null) return new CachedJson<T>(value);
        // A deleted resource is a tombstone: say so, and where its history is.
        var deleted = await connection.QuerySingleOrDefaultAsync<(string Action, string At, string Curator)>(new CommandDefinition(
            "SELECT action, at, curator FROM revisions WHERE collection = @collection AND resource_id = @id ORDER BY seq DESC LIMIT 1",
            new { collection = resource.Collection, id }, cancellationToken: cancellationToken));
        return deleted.Action == "delete"
            ? Problems.Gone(resource.Singular, id, deleted.At, deleted.Curator, $"{resource.Path}/{id}/revisions")
            : Problems.NotFound(resource.Singular, id);
    }
}
