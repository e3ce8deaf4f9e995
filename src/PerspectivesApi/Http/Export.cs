using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

/// <summary>How a collection is answered: a JSON page, or the whole filtered collection streamed
/// as CSV or NDJSON.</summary>
public enum ListFormat { Json, Csv, Ndjson }

public static class ListFormats
{
    public const string Csv = "text/csv";
    public const string Ndjson = "application/x-ndjson";

    public static readonly string[] Names = ["json", "csv", "ndjson"];

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
            if (name is "application/json" or "application/*" or "*/*" or "application/problem+json") return ListFormat.Json;
        }
        return null;
    }
}

/// <summary>Streams a whole filtered collection, row by row from the database, in the same shape as
/// the list items. Rows are read unbuffered and projected in small batches, so memory stays flat
/// whatever the row count. Reading and writing run side by side: one task reads and projects batches
/// (it alone uses the connection) while the request writes the previous batch, so an export uses both
/// cores of a small server instead of alternating between SQLite and JSON on one.</summary>
public sealed class CollectionExport<TRow, TItem>(
    Database database, ListRequest request, string? pathValue, CollectionReader.Projection<TRow, TItem> project) : IResult
    where TRow : IPageRow
{
    private const int BatchSize = 256;

    /// <summary>Batches read ahead of the writer: enough to keep both sides busy, few enough to keep memory flat.</summary>
    private const int BatchesInFlight = 2;

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        var csv = request.Format == ListFormat.Csv;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = csv ? $"{ListFormats.Csv}; charset=utf-8; header=present" : $"{ListFormats.Ndjson}; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentDisposition = $"attachment; filename=\"{request.Collection.Name.Replace(' ', '-')}.{(csv ? "csv" : "ndjson")}\"";
        // The rows are the whole work of an export and HEAD sends none of them. Starting the response still
        // settles the headers GET would send (the response compression's choice included).
        if (http.IsHeadRequest())
        {
            await response.StartAsync(http.RequestAborted);
            return;
        }

        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var output = response.BodyWriter;
        // One writer, reset after each line; it must escape as the JSON pages do.
        using var itemWriter = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = json.Encoder, SkipValidation = true });
        // The header waits for the first rows: until then nothing is written, so a query stopped at its
        // time budget can still be answered with a problem instead of a CSV header.
        var headerWritten = !csv;

        // Stops the reader when the client goes away, writing fails or the budget is spent: a client that
        // stops reading must not hold the export (and its read transaction) open past the budget.
        var budget = QueryBudget.Current;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, budget?.Stopped ?? CancellationToken.None);
        var batches = System.Threading.Channels.Channel.CreateBounded<IReadOnlyList<TItem>>(
            new System.Threading.Channels.BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadAsync(batches.Writer, () => budget?.AllowExport(), stop.Token), stop.Token);
        try
        {
            await foreach (var items in batches.Reader.ReadAllAsync(stop.Token))
            {
                if (!headerWritten)
                {
                    Write(output, CsvTable<TItem>.Header);
                    headerWritten = true;
                }
                foreach (var item in items)
                {
                    if (csv) Write(output, CsvTable<TItem>.Row(item));
                    else
                    {
                        JsonSerializer.Serialize(itemWriter, item, json);
                        itemWriter.Reset();
                        output.Write("\n"u8);
                    }
                }
                // Hand each batch to the client: the server never holds more than a few.
                await output.FlushAsync(stop.Token);
            }
            if (!headerWritten) Write(output, CsvTable<TItem>.Header);
        }
        finally
        {
            await stop.CancelAsync();
            // A reading error surfaces here (and aborts the response); a cancelled read is expected.
            try { await reading; }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        }
    }

    /// <param name="started">Called once the first batch is read: the export has shown it is not a query
    /// that cannot even begin within the read budget, and now gets the export budget for the rest.</param>
    private async Task ReadAsync(System.Threading.Channels.ChannelWriter<IReadOnlyList<TItem>> batches, Action started, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var (sql, parameters) = CollectionReader.ExportQuery(request, pathValue);
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
            var parse = reader.GetRowParser<TRow>();
            var batch = new List<TRow>(BatchSize);
            var first = true;
            while (true)
            {
                var more = await reader.ReadAsync(cancellationToken);
                if (more) batch.Add(parse(reader));
                if (batch.Count == BatchSize || (!more && batch.Count > 0))
                {
                    var items = await project(connection, batch, cancellationToken);
                    if (first)
                    {
                        started();
                        first = false;
                    }
                    await batches.WriteAsync(items, cancellationToken);
                    batch = new List<TRow>(BatchSize);
                }
                if (!more) break;
            }
            batches.Complete();
        }
        catch (Exception exception)
        {
            batches.Complete(exception);
            throw;
        }
    }

    private static void Write(IBufferWriter<byte> output, string text) => Encoding.UTF8.GetBytes(text, output);
}

public static class CsvTable
{
    /// <summary>The CSV of <paramref name="items"/> of <paramref name="itemType"/>, header included
    /// (for documentation examples, where the type is known only at run time).</summary>
    public static string Render(Type itemType, IEnumerable<object> items)
    {
        var table = typeof(CsvTable<>).MakeGenericType(itemType);
        var row = table.GetMethod(nameof(CsvTable<object>.Row))!;
        return (string)table.GetField(nameof(CsvTable<object>.Header))!.GetValue(null)! +
               string.Concat(items.Select(item => (string)row.Invoke(null, [item])!));
    }
}

/// <summary>CSV (RFC 4180) for a list item type: nested references become dotted columns
/// (<c>outlet.id</c>, <c>outlet.name</c>), lists a "; "-joined readable cell. Columns come from the
/// type, so a null reference still has its columns, empty.</summary>
public static class CsvTable<T>
{
    private sealed record Column(string Name, Func<object, object?> Read);

    private static readonly Column[] Columns = ColumnsOf(typeof(T), "", o => o).ToArray();

    public static readonly string Header = string.Join(",", Columns.Select(c => Escape(c.Name))) + "\r\n";

    public static string Row(T item) =>
        string.Join(",", Columns.Select(c => Escape(Format(c.Read(item!))))) + "\r\n";

    private static IEnumerable<Column> ColumnsOf(Type type, string prefix, Func<object, object?> read)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = prefix + char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            Func<object, object?> value = o => read(o) is { } parent ? property.GetValue(parent) : null;
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsNested(propertyType))
                foreach (var column in ColumnsOf(propertyType, name + ".", value)) yield return column;
            else
                yield return new Column(name, value);
        }
    }

    private static bool IsNested(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => string.Join("; ", list.Cast<object>().Select(e => e.ToString())),
        _ => value.ToString(),
    };

    private static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field)) return "";
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
    }
}
