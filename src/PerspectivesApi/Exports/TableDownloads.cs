using System.ComponentModel;
using System.Globalization;
using Dapper;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Exports;

/// <summary>One column of a downloadable table.</summary>
public sealed record ColumnDescription(
    [property: Description("The column's name, the same in CSV, NDJSON, Parquet and the snapshot's view.")] string Name,
    [property: Description("text, integer, real, boolean, date (yyyy-MM-dd; a DATE in Parquet) or list of text.")] string Type,
    [property: Description("Whether the column may be null (an empty CSV cell).")] bool Nullable,
    [property: Description("What the column holds.")] string Description,
    [property: Description("The exact form of a number or date, as OpenAPI names it: int64 (Parquet INT64), double, date; null for text, booleans and lists.")] string? Format);

/// <summary>Where a table can be downloaded, one URL per format.</summary>
public sealed record TableFiles(
    [property: Description("RFC 4180 CSV with a header row.")] string Csv,
    [property: Description("One flat JSON object per line.")] string Ndjson,
    [property: Description("Apache Parquet with typed columns.")] string Parquet);

/// <summary>A table of the archive, tidy: one row per thing, joinable with the others by id.</summary>
public sealed record TableDescription(
    [property: Description("The table's name.")] string Name,
    [property: Description("What one row is.")] string Description,
    [property: Description("Its downloads. Each takes limit=n for its first n rows (a sample).")] TableFiles Files,
    [property: Description("The view in the SQLite snapshot (GET /v1/export/archive.sqlite) with the same columns and rows.")] string SnapshotView,
    [property: Description("Its columns, in order.")] IReadOnlyList<ColumnDescription> Columns);

/// <summary>Every table of the archive that can be downloaded on its own. A fixed document, not a paged
/// collection, so its list is called <c>tables</c>, not <c>items</c>.</summary>
public sealed record TablesIndex(
    [property: Description("The tables, each with its files and columns.")] IReadOnlyList<TableDescription> Tables);

/// <summary>The tidy tables as downloads: <c>GET /v1/export/tables</c> lists them with their columns, and
/// <c>GET /v1/export/tables/{name}.{csv|ndjson|parquet}</c> streams one (with <c>limit</c>, a sample).</summary>
public static class TableDownloads
{
    public const string IndexPath = "/v1/export/tables";

    public static readonly TablesIndex Index = new(TidyTables.All.Select(Describe).ToList());

    private static TableDescription Describe(TidyTable table) => new(
        table.Name, table.Description,
        new TableFiles(FileUrl(table, ListFormat.Csv), FileUrl(table, ListFormat.Ndjson), FileUrl(table, ListFormat.Parquet)),
        table.ViewName,
        table.TableColumns.Select(c => new ColumnDescription(c.Name, c.TypeName, c.Nullable, c.Description, c.FormatName)).ToList());

    private static string FileUrl(TidyTable table, ListFormat format) => $"{IndexPath}/{FileName(table, format)}";

    public static string FileName(TidyTable table, ListFormat format) => $"{table.Name}.{ListFormats.ExtensionOf(format)}";

    /// <summary>Every file name a table download answers, for the route's documentation.</summary>
    public static IEnumerable<string> FileNames => TidyTables.All.SelectMany(t => ListFormats.Tables.Select(f => FileName(t, f)));

    public static void MapTableDownloads(this IEndpointRouteBuilder v1)
    {
        // Routing ignores a trailing slash; /v1/export/tables/ is the download of a file with no name, which does not exist.
        v1.MapGet("/export/tables", (HttpContext http) => http.Request.Path.Value!.EndsWith('/') ? NoSuchFile("") : new CachedJson<TablesIndex>(Index))
            .WithTags("Export")
            .WithName("listTables")
            .WithSummary("List the downloadable tables")
            .WithDescription("""
                The archive's tables, tidy, for data analysis: articles, authors, outlets, topics, stances, credits, and the topic
                summaries as a long table. One row per thing and one column per fact; references are `…_id` columns that join on
                the other tables' `id`; every date at a precision has the first and last day of its period; booleans are booleans.
                Each table downloads as CSV, NDJSON or Parquet (GET /v1/export/tables/{file}), and is a `tidy_…` view of the SQLite
                snapshot. This document lists each table's files and columns, with their types and meanings.
                """)
            .ProducesDocument(Index);

        v1.MapGet("/export/tables/{file}", DownloadAsync)
            .WithTags("Export")
            .WithName("downloadTable")
            .WithSummary("Download a table")
            .WithDescription("""
                One tidy table of the archive, whole (or its first `limit` rows), as CSV (`.csv`), NDJSON (`.ndjson`) or Parquet
                (`.parquet`), ordered by its key. GET /v1/export/tables lists the tables and their columns. The tables join by id:
                `stances.article_id` = `articles.id`, `credits.author_id` = `authors.id`, `topic_summaries.topic_id` = `topics.id`.
                The strong ETag names the archive revision and the request, Last-Modified the revision's time: If-None-Match or
                If-Modified-Since (`curl -z`) answer 304 while the archive has not changed.
                """)
            .WithMetadata(new TableDownloadDoc(TidyTables.Stances, FileParameter: true, LimitParameter: true, FormatParameter: false))
            .Produces(StatusCodes.Status200OK, contentType: ListFormats.Csv)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult DownloadAsync(string file, HttpContext http)
    {
        var dot = file.LastIndexOf('.');
        var table = dot < 0 ? null : TidyTables.All.FirstOrDefault(t => t.Name == file[..dot]);
        var format = dot < 0 ? null : ListFormats.Tables.Cast<ListFormat?>().FirstOrDefault(f => ListFormats.ExtensionOf(f!.Value) == file[(dot + 1)..]);
        if (table is null || format is null) return NoSuchFile(file);

        var errors = new Dictionary<string, string[]>();
        foreach (var name in http.Request.Query.Keys.Where(k => k != "limit"))
            errors[name] = ["is not a parameter of a table download; the only one is limit."];
        var limit = ParseLimit(http.Request.Query, errors);
        if (errors.Count > 0) return Problems.InvalidParameters(errors);

        return new TableDownload(table.Name, table.TableColumns, format.Value,
            (connection, batches, cancellationToken) => table.ReadAsync(connection, null, limit, batches, cancellationToken));
    }

    private static IResult NoSuchFile(string file) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, type: Problems.NotFoundType, title: "No such table",
        detail: $"There is no table download '{file}'. The tables are {string.Join(", ", TidyTables.All.Select(t => t.Name))}, " +
                $"each as .csv, .ndjson or .parquet (GET {IndexPath} lists them).");

    /// <summary><c>limit</c> as every list reads it: a whole number from 1 to 100, given once, never clamped.</summary>
    private static int? ParseLimit(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var values = query["limit"];
        if (values.Count == 0) return null;
        if (values.Count > 1)
        {
            errors["limit"] = ["may be given only once."];
            return null;
        }
        if (int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= ListRequest.MaxLimit) return limit;
        errors["limit"] = [$"must be a whole number from 1 to {ListRequest.MaxLimit}; got '{values[0]}'."];
        return null;
    }

    /// <summary>A topic summary (or all of them) as rows of the topic_summaries table, when the request asks for
    /// CSV, NDJSON or Parquet (<c>format=</c> or Accept); null when it asks for JSON, which the summary's own reader
    /// answers (a page of summaries, or one summary). The rows take <c>limit</c> (a sample) when they are every
    /// topic's, and nothing else.</summary>
    public static async Task<IResult?> SummaryExportAsync(HttpContext http, string? topicId, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var formatValues = query["format"];
        // A format= that is not one of the names, or repeated, is JSON's reader's to name (it checks every parameter at once).
        if (formatValues.Count > 1 || (formatValues.Count == 1 && !ListFormats.Names.Contains(formatValues[0]))) return null;
        var format = ListFormats.Negotiate(formatValues.Count == 1 ? formatValues[0] : null, http.Request.Headers.Accept);
        if (format is ListFormat.Json or null) return null;

        var errors = new Dictionary<string, string[]>();
        var accepted = topicId is null ? new[] { "format", "limit" } : ["format"];
        foreach (var name in query.Keys.Where(k => !accepted.Contains(k)))
            errors[name] = [$"is not a parameter of a summary's rows; {(topicId is null ? "they take format and limit" : "they take only format")}."];
        var limit = topicId is null ? ParseLimit(query, errors) : null;
        if (errors.Count > 0) return Problems.InvalidParameters(errors);

        if (topicId is not null)
        {
            var database = http.RequestServices.GetRequiredService<Database>();
            await using var connection = await database.OpenReadAsync(cancellationToken);
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM topics WHERE id = @topicId", new { topicId }, cancellationToken: cancellationToken)) == 0)
                return Problems.NotFound("topic", topicId);
        }
        var table = TidyTables.TopicSummaries;
        return new TableDownload(topicId is null ? table.Name : $"{topicId}-summary", table.TableColumns, format.Value,
            (connection, batches, token) => table.ReadAsync(connection, topicId, limit, batches, token));
    }
}
