using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Net.Http.Headers;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Exports;

/// <summary>The whole archive as one SQLite file, for data scientists who would rather query it
/// locally (sqlite3, pandas.read_sql, R's DBI) than page through the API.</summary>
public static class ArchiveSnapshot
{
    public const string MediaType = "application/vnd.sqlite3";

    public static void MapExports(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/export/archive.sqlite", GetAsync)
            .WithTags("Export")
            .WithName("getArchiveSnapshot")
            .WithSummary("Download the whole archive as an SQLite file")
            .WithDescription("""
                A consistent snapshot of every table (outlets, authors, articles with credits, topics, stances and the full-text
                indexes), made with SQLite's online backup API while the archive keeps serving, never a copy of a live file.
                Open it with `sqlite3 archive.sqlite` or `pandas.read_sql`. The strong ETag is the archive's revision, which the
                database bumps on every write: send it back in If-None-Match to learn, with a 304, that nothing changed.
                """)
            .WithMetadata(new ResponseExample("(the bytes of an SQLite 3 database file)"))
            .Produces<byte[]>(StatusCodes.Status200OK, MediaType)
            .Produces(StatusCodes.Status304NotModified);
    }

    private static async Task<IResult> GetAsync(HttpContext http, Database database, CancellationToken cancellationToken)
    {
        await using var source = await database.OpenAsync(cancellationToken);
        var revision = await RevisionAsync(source);
        var etag = new EntityTagHeaderValue($"\"archive-v{Migrator.LatestVersion}-r{revision}\"");
        http.Response.Headers.ETag = etag.ToString();
        http.Response.Headers.CacheControl = "no-cache";
        if (ETags.Matches(http.Request.Headers.IfNoneMatch, etag.Tag.ToString()))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);

        var path = Path.Combine(Path.GetTempPath(), $"perspectives-snapshot-{Guid.NewGuid():N}.sqlite");
        try
        {
            await using (var destination = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await destination.OpenAsync(cancellationToken);
                // One read transaction over the whole copy, so the snapshot is consistent even while
                // curators write; copied in steps, so that it stops at the export budget or when the client leaves.
                QueryBudget.Current?.AllowExport();
                source.BackupTo(destination);
                // The secret that signs cursors is the archive's own; overwrite it rather than leave it in a free page.
                await destination.ExecuteAsync("PRAGMA secure_delete = ON; DELETE FROM meta WHERE key = 'cursor_secret'; PRAGMA journal_mode = DELETE;");
                // The revision the copy holds may be newer than the one read above: name the copy by its own.
                etag = new EntityTagHeaderValue($"\"archive-v{Migrator.LatestVersion}-r{await RevisionAsync(destination)}\"");
                http.Response.Headers.ETag = etag.ToString();
            }
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            return TypedResults.Stream(file, MediaType, "archive.sqlite", entityTag: etag);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static Task<long> RevisionAsync(SqliteConnection connection) =>
        connection.ExecuteScalarAsync<long>(ArchiveRevision.Query);
}
