using System.Threading.Channels;
using Dapper;
using Microsoft.Net.Http.Headers;
using PerspectivesApi.Data;
using PerspectivesApi.Exports;

namespace PerspectivesApi.Http;

/// <summary>How a collection is answered: a JSON page, or the whole filtered collection (or a sample of it,
/// with limit) streamed as a flat table in CSV, NDJSON or Parquet.</summary>
public enum ListFormat { Json, Csv, Ndjson, Parquet }

public static class ListFormats
{
    public const string Csv = "text/csv";
    public const string Ndjson = "application/x-ndjson";
    public const string Parquet = "application/vnd.apache.parquet";

    public static readonly string[] Names = ["json", "csv", "ndjson", "parquet"];

    /// <summary>The formats a table can be downloaded in.</summary>
    public static readonly ListFormat[] Tables = [ListFormat.Csv, ListFormat.Ndjson, ListFormat.Parquet];

    public static string MediaTypeOf(ListFormat format) => format switch
    {
        ListFormat.Csv => Csv,
        ListFormat.Ndjson => Ndjson,
        ListFormat.Parquet => Parquet,
        _ => "application/json",
    };

    public static string ContentTypeOf(ListFormat format) => format switch
    {
        ListFormat.Csv => $"{Csv}; charset=utf-8; header=present",
        ListFormat.Ndjson => $"{Ndjson}; charset=utf-8",
        ListFormat.Parquet => Parquet,
        _ => "application/json; charset=utf-8",
    };

    public static string ExtensionOf(ListFormat format) => format.ToString().ToLowerInvariant();

    /// <summary>The format asked for by <c>format=</c>, else by the Accept header, else JSON;
    /// null when the Accept header allows none of them (a 406).</summary>
    public static ListFormat? Negotiate(string? formatParameter, IList<string> accept)
    {
        if (formatParameter is not null) return Enum.Parse<ListFormat>(formatParameter, ignoreCase: true);
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var types) || types.Count == 0) return ListFormat.Json;
        foreach (var type in types.OrderByDescending(t => t.Quality ?? 1.0))
        {
            if (type.Quality == 0) continue;
            var name = type.MediaType.Value?.ToLowerInvariant();
            if (name is Csv) return ListFormat.Csv;
            if (name is Ndjson) return ListFormat.Ndjson;
            if (name is Parquet) return ListFormat.Parquet;
            if (name is "application/json" or "application/*" or "*/*" or "application/problem+json") return ListFormat.Json;
        }
        return null;
    }
}

/// <summary>Streams a whole filtered collection (or its first <c>limit</c> items), row by row from the database,
/// in the list's order, each item flattened into one row (<see cref="FlatTable{T}"/>). Rows are read unbuffered
/// and projected in small batches, so memory stays flat whatever the row count.</summary>
public sealed class CollectionExport<TRow, TItem>(ListRequest request, string? pathValue, CollectionReader.Projection<TRow, TItem> project) : IResult
    where TRow : IPageRow
{
    private const int BatchSize = 256;

    public Task ExecuteAsync(HttpContext http) =>
        new TableDownload(request.Collection.Name.Replace(' ', '-'), FlatTable<TItem>.Columns, request.Format!.Value, ReadAsync).ExecuteAsync(http);

    private async Task ReadAsync(Microsoft.Data.Sqlite.SqliteConnection connection, ChannelWriter<IReadOnlyList<object?[]>> batches, CancellationToken cancellationToken)
    {
        var (sql, parameters) = CollectionReader.ExportQuery(request, pathValue);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        var parse = reader.GetRowParser<TRow>();
        var batch = new List<TRow>(BatchSize);
        while (true)
        {
            var more = await reader.ReadAsync(cancellationToken);
            if (more) batch.Add(parse(reader));
            if (batch.Count == BatchSize || (!more && batch.Count > 0))
            {
                var items = await project(connection, batch, cancellationToken);
                await batches.WriteAsync(items.Select(FlatTable<TItem>.Row).ToList(), cancellationToken);
                batch = new List<TRow>(BatchSize);
            }
            if (!more) break;
        }
    }
}
