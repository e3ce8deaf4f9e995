using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

/// <summary>Reads one resource by id: 200 with an ETag, 304 when the client's copy is current, or a
/// 404 problem naming what was not found.</summary>
public sealed class ResourceReader(Database database)
{
    public async Task<IResult> FindAsync<T>(
        string resource, string id, Func<SqliteConnection, string, CancellationToken, Task<T?>> find, CancellationToken cancellationToken)
        where T : class
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var value = await find(connection, id, cancellationToken);
        return value is null ? Problems.NotFound(resource, id) : new CachedJson<T>(value);
    }
}
