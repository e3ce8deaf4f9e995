using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;
using PerspectivesApi.Topics;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.Exports;

/// <summary>Route metadata: the endpoint streams <paramref name="Table"/> (or a part of it) as CSV, NDJSON or Parquet.</summary>
/// <param name="FileParameter">The format is the path's file extension (<c>{file}</c>).</param>
/// <param name="LimitParameter">It takes <c>limit</c> (a sample).</param>
/// <param name="FormatParameter">It answers JSON by default and the table with <c>format=</c> or Accept (a collection declares its own format).</param>
public sealed record TableDownloadDoc(TidyTable Table, bool FileParameter, bool LimitParameter, bool FormatParameter);

/// <summary>Route metadata: a download with the archive revision's validators (ETag, Last-Modified).</summary>
public sealed record RevisionValidatorsDoc;

/// <summary>How the contract describes downloads, from the same definitions the code streams: the formats' media
/// types with examples written by the writers themselves, the parameters, and Last-Modified/If-Modified-Since.
/// Runs after <see cref="ArchiveOperationFilter"/>.</summary>
public sealed class DownloadDocs : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var table = metadata.OfType<TableDownloadDoc>().FirstOrDefault();
        var downloads = table is not null || metadata.OfType<CollectionDoc>().Any() || metadata.OfType<RevisionValidatorsDoc>().Any();
        if (!downloads) return;
        operation.Parameters ??= [];
        operation.Responses ??= [];

        if (table is not null) DescribeTable(operation, table, context.SchemaRepository, isCollection: metadata.OfType<CollectionDoc>().Any());

        var components = context.Document.Components ??= new OpenApiComponents();
        components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        components.Headers.TryAdd("Last-Modified", new OpenApiHeader
        {
            Description = "When the archive last changed (the time of its revision), for If-Modified-Since and `curl -z`. Left out for a second " +
                          "after a write: HTTP dates count whole seconds, and a second write within the same one would carry the same time.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("Fri, 04 Jul 2025 10:29:00 GMT"),
        });
        foreach (var code in new[] { "200", "304" })
            if (operation.Responses.TryGetValue(code, out var response) && response is OpenApiResponse inline)
            {
                inline.Headers ??= new Dictionary<string, IOpenApiHeader>();
                inline.Headers["Last-Modified"] = new OpenApiHeaderReference("Last-Modified", context.Document);
            }
        if (!operation.Parameters.Any(p => p.Name == "If-Modified-Since"))
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Modified-Since",
                In = ParameterLocation.Header,
                Description = "An HTTP date (the Last-Modified of a copy the client holds, or the file's time with `curl -z`): 304 when the archive " +
                              "has not changed since. Ignored when If-None-Match is sent, and when it is not a date. " +
                              "Example: `Fri, 04 Jul 2025 10:29:00 GMT` (in the description, not `example`: Swagger UI would send it by default).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "http-date", MaxLength = 64 },
            });
    }

    private static void DescribeTable(OpenApiOperation operation, TableDownloadDoc doc, SchemaRepository schemas, bool isCollection)
    {
        var parameters = operation.Parameters!;
        if (doc.FileParameter)
            foreach (var parameter in parameters.OfType<OpenApiParameter>().Where(p => p.Name == "file"))
            {
                parameter.Description = "The table and its format: `{table}.csv`, `{table}.ndjson` or `{table}.parquet`, for a table of GET /v1/export/tables.";
                // A named enum, like every enum of the contract (OpenApi/Enums.cs), so no generator names it by position.
                parameter.Schema = Enums.Reference("TableFile", TableDownloads.FileNames.ToList(), "A table download: the table's name and its format's extension.", schemas);
                parameter.Example = JsonValue.Create("stances.parquet");
            }
        // Optional parameters carry no example: Swagger UI would fill it in, and send it, for whoever tries the operation.
        if (doc.LimitParameter && !parameters.Any(p => p.Name == "limit"))
            parameters.Add(new OpenApiParameter
            {
                Name = "limit",
                In = ParameterLocation.Query,
                Description = $"Only the table's first rows, from 1 to {ListRequest.MaxLimit}: a sample, to see the columns. Without it, every row. Example: `5`.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = ListRequest.MaxLimit.ToString() },
            });
        if (doc.FormatParameter && !parameters.Any(p => p.Name == "format"))
            parameters.Add(new OpenApiParameter
            {
                Name = "format",
                In = ParameterLocation.Query,
                Description = "json (default): the summary document. csv, ndjson or parquet: its counts as rows of the topic_summaries table " +
                              "(topic_id, dimension, group_value, group_name, position, count), every outlet and voice included. " +
                              "The Accept header (text/csv, application/x-ndjson, application/vnd.apache.parquet) does the same; this parameter wins over it.",
                Schema = Enums.Reference("ListFormat", ListFormats.Names, "How a collection is answered: json (one page), csv, ndjson or parquet (the whole filtered collection, or a sample with limit, streamed as a flat table).", schemas),
            });

        if (operation.Responses!.TryGetValue("200", out var ok) && ok is OpenApiResponse response)
        {
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            if (doc.FileParameter) response.Content.Clear();
            TableContent.Add(response.Content, doc.Table.TableColumns, ExampleRows(doc.Table), doc.Table.Name + " row");
            response.Description = doc.FileParameter
                ? "The table, streamed, with a strong ETag and Last-Modified."
                : isCollection
                    ? "A page of summaries, with a strong ETag and, unless this is the last page, a Link header to the next; or, with format=csv|ndjson|parquet, every topic's counts as rows of the topic_summaries table, streamed."
                    : "The summary, with a strong ETag; or, with format=csv|ndjson|parquet, its counts as rows of the topic_summaries table, streamed.";
        }
        if (operation.Responses.TryGetValue("404", out var missing) && missing is OpenApiResponse notFound && doc.FileParameter)
            notFound.Description = "No table download has this name (GET /v1/export/tables lists them).";
        if (operation.Responses.TryGetValue("406", out var unacceptable) && unacceptable is OpenApiResponse notAcceptable)
            notAcceptable.Description = "The Accept header allows none of application/json, text/csv, application/x-ndjson and application/vnd.apache.parquet.";
    }

    /// <summary>The example rows: the seed corpus's, as the endpoint examples are.</summary>
    private static IReadOnlyList<object?[]> ExampleRows(TidyTable table)
    {
        if (table == TidyTables.TopicSummaries) return TopicSummaryRows(Examples.TopicSummary).Take(8).ToList();
        var stance = Examples.Stance;
        return
        [
            [
                stance.Id, stance.Topic.Id, stance.Article.Id, stance.Author?.Id, stance.Position, stance.Condition, stance.Condition is not null,
                stance.Quote.Text, (long)stance.Quote.Start, (long)stance.Quote.End, stance.Summary, stance.Attribution?.Kind, stance.Attribution?.Via?.Id,
                stance.HeldAt?.Date, stance.HeldAt?.Precision, Period.Of(stance.HeldAt?.Date, stance.HeldAt?.Precision)?.First,
                Period.Of(stance.HeldAt?.Date, stance.HeldAt?.Precision)?.Last, stance.HeldAt?.Reasoning, stance.Method, stance.Curator, stance.Confidence, stance.Note,
            ],
        ];
    }

    /// <summary>A summary's counts as topic_summaries rows (the example, and what the tests compare the download with).</summary>
    public static IEnumerable<object?[]> TopicSummaryRows(TopicSummary summary)
    {
        IEnumerable<object?[]> Rows(string dimension, string? group, string? name, PositionCounts counts) =>
        [
            [summary.Topic.Id, dimension, group, name, "supports", counts.Supports],
            [summary.Topic.Id, dimension, group, name, "opposes", counts.Opposes],
            [summary.Topic.Id, dimension, group, name, "mixed", counts.Mixed],
            [summary.Topic.Id, dimension, group, name, "neutral", counts.Neutral],
        ];
        return Rows("all", null, null, summary.Positions)
            .Concat(summary.ByOutlet.SelectMany(g => Rows("outlet", g.Outlet?.Id, g.Outlet?.Name, g.Positions)))
            .Concat(summary.ByAuthor.SelectMany(g => Rows("author", g.Author?.Id, g.Author?.Name, g.Positions)))
            .Concat(summary.ByMonth.SelectMany(g => Rows("month", g.Month, null, g.Positions)))
            .Concat(summary.ByHeldYear.SelectMany(g => Rows("held_year", g.Year, null, g.Positions)))
            .Concat(summary.ByHeldMonth.SelectMany(g => Rows("held_month", g.Month, null, g.Positions)))
            .Concat(summary.ByVoiceKind.SelectMany(g => Rows("voice_kind", g.VoiceKind, null, g.Positions)))
            .Concat(summary.ByAttribution.SelectMany(g => Rows("attribution", g.Attribution, null, g.Positions)));
    }
}

/// <summary>The CSV, NDJSON and Parquet content of a download in the contract, with examples the writers render.</summary>
public static class TableContent
{
    public static void Add(IDictionary<string, OpenApiMediaType> content, IReadOnlyList<TableColumn> columns, IReadOnlyList<object?[]> rows, string what)
    {
        var listing = string.Join("; ", columns.Select(c => $"{c.Name} ({c.TypeName}{(c.Nullable ? ", nullable" : "")})"));
        content[ListFormats.Csv] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = $"RFC 4180 CSV with a header row, one {what} per row; null is an empty cell, a list one cell joined by '; ', " +
                              $"a boolean true or false, a date yyyy-MM-dd. Columns: {listing}.",
            },
            Example = JsonValue.Create(CsvTableWriter.Header(columns) + string.Concat(rows.Select(r => CsvTableWriter.Row(columns, r)))),
        };
        content[ListFormats.Ndjson] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = $"Newline-delimited JSON: one flat object per {what} and line, keys as the CSV columns, null written out, dates as yyyy-MM-dd " +
                              "strings, lists as arrays of strings.",
            },
            Example = JsonValue.Create(string.Concat(rows.Select(r => NdjsonTableWriter.Line(columns, r, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)))),
        };
        content[ListFormats.Parquet] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = "binary",
                Description = $"An Apache Parquet file, one {what} per row, the CSV's columns typed: text as UTF-8 strings, integers as INT64, " +
                              "booleans as BOOLEAN, dates as DATE, lists as LIST of strings; null where a value is unknown. Snappy-compressed, " +
                              "in row groups of at most 10,000 rows.",
            },
            Example = JsonValue.Create("(the bytes of an Apache Parquet file)"),
        };
    }

    /// <summary>For a collection's pages: the same items as export rows.</summary>
    public static void AddForItems(IDictionary<string, OpenApiMediaType> content, Type itemType, IEnumerable<object> items)
    {
        var table = typeof(FlatTable<>).MakeGenericType(itemType);
        var columns = (IReadOnlyList<TableColumn>)table.GetField(nameof(FlatTable<object>.Columns))!.GetValue(null)!;
        var row = table.GetMethod(nameof(FlatTable<object>.Row))!;
        Add(content, columns, items.Select(i => (object?[])row.Invoke(null, [i])!).ToList(), itemType.Name);
    }
}

public static class DownloadDocsRegistration
{
    /// <summary>After <see cref="ArchiveOpenApi.AddArchiveOpenApi"/>, so that these filters run after the archive's own.</summary>
    public static IServiceCollection AddDownloadDocs(this IServiceCollection services)
    {
        services.ConfigureSwaggerGen(options => options.OperationFilter<DownloadDocs>());
        return services;
    }

    /// <summary>A summary endpoint: the JSON document by default, or its counts as topic_summaries rows.</summary>
    public static RouteHandlerBuilder ExportsSummary<T>(this RouteHandlerBuilder endpoint, T example, ResourceName? resource) where T : notnull
    {
        if (resource is not null)
            endpoint.WithMetadata(new ResourceDoc(resource)).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        return endpoint
            .WithMetadata(new ResponseExample(example), new TableDownloadDoc(TidyTables.TopicSummaries, FileParameter: false, LimitParameter: false, FormatParameter: true))
            .Produces<T>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status406NotAcceptable);
    }
}
