using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Net.Http.Headers;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Exports;

/// <summary>The archive's public content as one SQLite file (<see cref="SnapshotContent"/>), for data scientists
/// who would rather query it locally (sqlite3, pandas.read_sql, R's DBI) than page through the API.</summary>
public static class ArchiveSnapshot
{
    public const string MediaType = "application/vnd.sqlite3";

    public static void MapExports(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/export/archive.sqlite", GetAsync)
            .WithTags("Export")
            .WithName("getArchiveSnapshot")
            .WithSummary("Download the archive as an SQLite file")
            .WithDescription("""
                The archive's public content as one SQLite file: outlets, authors, articles with credits, topics, stances, the
                topics' precomputed tallies, the public history of changes and the full-text indexes, with their indexes; nothing
                else (no curator keys, no idempotency records, no secrets). db/SNAPSHOT.md in the repository lists every table and
                column. All of it is read in one transaction while the archive keeps serving, so the copy is consistent. Open it
                with `sqlite3 archive.sqlite` or `pandas.read_sql`. The strong ETag is the archive's revision, which the database
                bumps on every write, and Last-Modified the revision's time: send either back (If-None-Match, If-Modified-Since,
                `curl -z`) to learn, with a 304, that nothing changed. The file describes itself: `dictionary_tables` and
                `dictionary_columns` say what every table, view and column holds (booleans are 0 and 1), and the `tidy_…` views are
                the tables of GET /v1/export/tables, with readable types.
                """)
            .WithMetadata(new ResponseExample("(the bytes of an SQLite 3 database file)"), new RevisionValidatorsDoc())
            .Produces<byte[]>(StatusCodes.Status200OK, MediaType)
            .Produces(StatusCodes.Status304NotModified);

        v1.MapTableDownloads();
    }

    private static async Task<IResult> GetAsync(HttpContext http, Database database, CancellationToken cancellationToken)
    {
        ArchiveStamp stamp;
        await using (var source = await database.OpenReadAsync(cancellationToken))
            stamp = await ArchiveStamp.ReadAsync(source, cancellationToken);
        var etag = ETagOf(stamp.Revision);
        if (DownloadValidators.NotModified(http, etag, stamp))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);

        if (http.IsHeadRequest())
        {
            // Building the file is this route's whole cost: HEAD says what GET would send without building it,
            // and so without its length, which a HEAD answer may leave out (RFC 9110 §9.3.2).
            http.Response.ContentType = MediaType;
            http.Response.Headers.ContentDisposition = Disposition;
            return TypedResults.Ok();
        }

        var path = Path.Combine(Path.GetTempPath(), $"perspectives-snapshot-{Guid.NewGuid():N}.sqlite");
        // On PostgreSQL, the archive is first copied whole into a scratch SQLite file (in one read transaction of
        // the server), and the snapshot taken of that file as of any SQLite archive: one snapshot mechanism.
        var scratch = database.Provider == DatabaseProvider.PostgreSQL ? Path.ChangeExtension(path, ".archive.db") : null;
        try
        {
            // One read transaction over the whole copy, so the snapshot is consistent even while curators write;
            // its statements run under the export budget and stop when the client leaves.
            QueryBudget.Current?.AllowExport();
            if (scratch is not null) await ArchiveCopy.CopyAsync(database, new Database(scratch, pooling: false), cancellationToken: cancellationToken);
            // The revision the copy holds may be newer than the one read above: name the copy by its own.
            var copied = await SnapshotContent.WriteAsync(scratch ?? database.FilePath, path, cancellationToken);
            etag = ETagOf(copied.Revision);
            DownloadValidators.NotModified(http, etag, copied);
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            return TypedResults.Stream(file, MediaType, FileName, copied.LastModified(DateTimeOffset.UtcNow), etag);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            if (scratch is not null) foreach (var file in new[] { scratch, scratch + "-wal", scratch + "-shm" }) File.Delete(file);
        }
    }

    private static EntityTagHeaderValue ETagOf(long revision) => new($"\"archive-v{Migrator.LatestVersion}-r{revision}\"");

    private const string FileName = "archive.sqlite";

    /// <summary>As <see cref="TypedResults.Stream(Stream, string?, string?, DateTimeOffset?, EntityTagHeaderValue?, bool)"/> writes it.</summary>
    private static readonly string Disposition = CreateDisposition();

    private static string CreateDisposition()
    {
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(FileName);
        return disposition.ToString();
    }
}
