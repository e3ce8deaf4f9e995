using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Exports;

/// <summary>The archive revision a download was read at, and when the archive reached it
/// (db/migrations/0008_revision_time.sql).</summary>
public sealed record ArchiveStamp(long Revision, DateTimeOffset? RevisedAt)
{
    private const string Query = """
        SELECT (SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'revision') AS revision,
               (SELECT value FROM meta WHERE key = 'revised_at') AS revised_at
        """;

    public static async Task<ArchiveStamp> ReadAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var (revision, revisedAt) = await connection.QuerySingleAsync<(long, string?)>(new CommandDefinition(Query, cancellationToken: cancellationToken));
        return new ArchiveStamp(revision, DateTimeOffset.TryParse(revisedAt, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null);
    }

    /// <summary>The time to send as Last-Modified, or null while it cannot yet be trusted. HTTP dates count whole
    /// seconds: a second write within the second of the first would carry the same Last-Modified, and a client
    /// holding the first would be told, wrongly, that nothing changed. So the time is sent only once a second has
    /// passed since the revision; until then the ETag alone answers for it.</summary>
    public DateTimeOffset? LastModified(DateTimeOffset now)
    {
        if (RevisedAt is not { } at || now - at < TimeSpan.FromSeconds(1)) return null;
        return new DateTimeOffset(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}

/// <summary>What every download (collection exports, tidy tables, topic summaries, the snapshot) says about its
/// freshness, and the conditional requests it answers: a strong ETag naming the revision and the request, a
/// Last-Modified of the revision's time, 304 for a current If-None-Match or, without one, If-Modified-Since
/// (so that <c>curl -z</c> and HTTP caches need not download again).</summary>
public static class DownloadValidators
{
    /// <summary>A strong ETag: the same request at the same revision streams the same bytes.</summary>
    public static EntityTagHeaderValue ETagOf(ArchiveStamp stamp, string request)
    {
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(request))[..9]).Replace('+', '-').Replace('/', '_');
        return new EntityTagHeaderValue($"\"v{Migrator.LatestVersion}-r{stamp.Revision}-{hash}\"");
    }

    /// <summary>What identifies a download's bytes: its path, its query exactly as sent, and the format chosen.</summary>
    public static string RequestKey(HttpRequest request, ListFormat format) => $"{request.Path}{request.QueryString}|{format}";

    /// <summary>Sets ETag, Last-Modified and Cache-Control; true when the client's copy is current and the
    /// answer is 304 (RFC 9110 §13.2.2: If-None-Match when sent, else If-Modified-Since).</summary>
    public static bool NotModified(HttpContext http, EntityTagHeaderValue etag, ArchiveStamp stamp)
    {
        var response = http.Response;
        response.Headers.ETag = etag.ToString();
        response.Headers.CacheControl = "no-cache";
        var lastModified = stamp.LastModified(DateTimeOffset.UtcNow);
        if (lastModified is { } time) response.Headers.LastModified = HeaderUtilities.FormatDate(time);

        var request = http.Request;
        if (request.Headers.IfNoneMatch.Count > 0) return ETags.Matches(request.Headers.IfNoneMatch, etag.Tag.ToString());
        // An If-Modified-Since that is not a date is ignored (RFC 9110 §13.1.3), as is one a client sends before
        // the archive can vouch for its time.
        return lastModified is { } modified && request.GetTypedHeaders().IfModifiedSince is { } since && modified <= since;
    }
}

/// <summary>A table streamed as CSV, NDJSON or Parquet: the one mechanism behind every export. The archive
/// revision and the rows are read in one read transaction, so the ETag names exactly what is sent; a current
/// If-None-Match or If-Modified-Since is answered 304 before any row is read, and HEAD sends GET's headers
/// without reading any. Reading and writing run side by side: one task reads batches (it alone uses the
/// connection) while the request writes the previous one, so an export uses both cores of a small server.</summary>
public sealed class TableDownload(string fileName, IReadOnlyList<TableColumn> columns, ListFormat format, TableDownload.RowSource rows) : IResult
{
    /// <summary>Reads the rows, in order, in batches of a few hundred, on the connection given (inside the
    /// download's read transaction).</summary>
    public delegate Task RowSource(DbConnection connection, ChannelWriter<IReadOnlyList<object?[]>> batches, CancellationToken cancellationToken);

    /// <summary>Batches read ahead of the writer: enough to keep both sides busy, few enough to keep memory flat.
    /// Parquet writes a whole row group at once: its reader may read the next row group meanwhile.</summary>
    private int BatchesInFlight => format == ListFormat.Parquet ? ParquetTableWriter.RowGroupRows / 256 + 1 : 2;

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        var database = http.RequestServices.GetRequiredService<Database>();
        await using var connection = await database.OpenReadAsync(http.RequestAborted);
        // BEGIN as text: the provider would otherwise ask every command for its transaction object.
        await connection.ExecuteAsync(new CommandDefinition(database.Dialect.BeginRead, commandType: System.Data.CommandType.Text, cancellationToken: http.RequestAborted));
        try
        {
            var stamp = await ArchiveStamp.ReadAsync(connection, http.RequestAborted);
            if (DownloadValidators.NotModified(http, DownloadValidators.ETagOf(stamp, DownloadValidators.RequestKey(http.Request, format)), stamp))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ListFormats.ContentTypeOf(format);
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName($"{fileName}.{ListFormats.ExtensionOf(format)}");
            response.Headers.ContentDisposition = disposition.ToString();
            // The rows are the whole work of a download and HEAD sends none of them. Starting the response still
            // settles the headers GET would send (the response compression's choice included).
            if (http.IsHeadRequest())
            {
                await response.StartAsync(http.RequestAborted);
                return;
            }
            await StreamAsync(http, connection);
        }
        finally
        {
            // Ends the read transaction before the connection goes back to the pool (it may have ended with an error).
            try { await connection.ExecuteAsync(new CommandDefinition("ROLLBACK", commandType: System.Data.CommandType.Text)); }
            catch (DbException) { }
        }
    }

    private async Task StreamAsync(HttpContext http, DbConnection connection)
    {
        var encoder = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.Encoder;
        var writer = TableWriter.Create(format, columns, http.Response, encoder);
        // Stops the reader when the client goes away, writing fails or the time budget is spent: a client that
        // stops reading must not hold the download (and its read transaction) open past its budget.
        var budget = QueryBudget.Current;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, budget?.Stopped ?? CancellationToken.None);
        var batches = Channel.CreateBounded<IReadOnlyList<object?[]>>(new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(async () =>
        {
            try
            {
                await rows(connection, batches.Writer, stop.Token);
                batches.Writer.Complete();
            }
            catch (Exception exception)
            {
                batches.Writer.Complete(exception);
                throw;
            }
        }, stop.Token);
        try
        {
            // Nothing is written before the first rows are read: a query that fails at once is still answered with a problem.
            var started = false;
            await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token))
            {
                if (!started)
                {
                    // The first rows came within the read budget: the rest of the stream gets the export budget.
                    budget?.AllowExport();
                    await writer.StartAsync(stop.Token);
                }
                started = true;
                await writer.WriteAsync(batch, stop.Token);
            }
            if (!started) await writer.StartAsync(stop.Token);
            await writer.CompleteAsync(stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            // A reading error surfaces here (and aborts the response); a cancelled read is expected.
            try { await reading; }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        }
    }
}
