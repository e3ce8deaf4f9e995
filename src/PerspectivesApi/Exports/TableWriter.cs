using PerspectivesApi.Data;
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using PerspectivesApi.Http;

namespace PerspectivesApi.Exports;

/// <summary>Writes rows of a table to a response in one format. A row is an array of values in column order:
/// string, long, double, bool, <see cref="DateOnly"/>, a list of strings, or null. Rows arrive in batches; each
/// format hands what it has written to the client at its own pace, so memory stays flat whatever the count.</summary>
public abstract class TableWriter
{
    public static TableWriter Create(ListFormat format, IReadOnlyList<TableColumn> columns, HttpResponse response, JavaScriptEncoder? encoder) => format switch
    {
        ListFormat.Csv => new CsvTableWriter(columns, response.BodyWriter),
        ListFormat.Ndjson => new NdjsonTableWriter(columns, response.BodyWriter, encoder),
        ListFormat.Parquet => new ParquetTableWriter(columns, response.Body),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a table format"),
    };

    /// <summary>Writes what comes before the first row (CSV's header).</summary>
    public virtual ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public abstract ValueTask WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken);

    /// <summary>Writes what comes after the last row (Parquet's last row group and footer).</summary>
    public virtual ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>RFC 4180 with a header row of the column names; null is an empty cell, a list one cell joined by "; ".</summary>
internal sealed class CsvTableWriter(IReadOnlyList<TableColumn> columns, PipeWriter output) : TableWriter
{
    private readonly StringBuilder line = new();

    public static string Header(IReadOnlyList<TableColumn> columns) => string.Join(",", columns.Select(c => Escape(c.Name))) + "\r\n";

    public static string Row(IReadOnlyList<TableColumn> columns, object?[] row)
    {
        var builder = new StringBuilder();
        AppendRow(builder, columns, row);
        return builder.ToString();
    }

    public override async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        Encoding.UTF8.GetBytes(Header(columns), output);
        await output.FlushAsync(cancellationToken);
    }

    public override async ValueTask WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            line.Clear();
            AppendRow(line, columns, row);
            foreach (var chunk in line.GetChunks()) Encoding.UTF8.GetBytes(chunk.Span, output);
        }
        await output.FlushAsync(cancellationToken);
    }

    private static void AppendRow(StringBuilder line, IReadOnlyList<TableColumn> columns, object?[] row)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0) line.Append(',');
            line.Append(Escape(Format(row[i])));
        }
        line.Append("\r\n");
    }

    public static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        DateOnly day => IsoDate.Format(day),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IReadOnlyList<string> list => string.Join("; ", list),
        IFormattable other => other.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field)) return "";
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
    }
}

/// <summary>One flat JSON object per line, keys in column order, null written out, dates as yyyy-MM-dd.</summary>
internal sealed class NdjsonTableWriter(IReadOnlyList<TableColumn> columns, PipeWriter output, JavaScriptEncoder? encoder) : TableWriter
{
    private readonly JsonEncodedText[] names = columns.Select(c => JsonEncodedText.Encode(c.Name, encoder)).ToArray();

    // One writer, reset after each line; it escapes as the JSON pages do.
    private readonly Utf8JsonWriter writer = new(output, new JsonWriterOptions { Encoder = encoder, SkipValidation = true });

    public static string Line(IReadOnlyList<TableColumn> columns, object?[] row, JavaScriptEncoder? encoder)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder });
        WriteRow(writer, columns.Select(c => JsonEncodedText.Encode(c.Name, encoder)).ToArray(), row);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    public override async ValueTask WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            WriteRow(writer, names, row);
            writer.Flush();
            writer.Reset();
            output.Write("\n"u8);
        }
        await output.FlushAsync(cancellationToken);
    }

    private static void WriteRow(Utf8JsonWriter writer, JsonEncodedText[] names, object?[] row)
    {
        Span<byte> date = stackalloc byte[10];
        writer.WriteStartObject();
        for (var i = 0; i < names.Length; i++)
        {
            writer.WritePropertyName(names[i]);
            switch (row[i])
            {
                case null: writer.WriteNullValue(); break;
                case string text: writer.WriteStringValue(text); break;
                case long number: writer.WriteNumberValue(number); break;
                case double number: writer.WriteNumberValue(number); break;
                case bool flag: writer.WriteBooleanValue(flag); break;
                case DateOnly day:
                    IsoDate.Write(day, date);
                    writer.WriteStringValue(date);
                    break;
                case IReadOnlyList<string> list:
                    writer.WriteStartArray();
                    foreach (var item in list) writer.WriteStringValue(item);
                    writer.WriteEndArray();
                    break;
                default: throw new InvalidOperationException($"A table value of type {row[i]!.GetType()} has no JSON form.");
            }
        }
        writer.WriteEndObject();
    }
}

/// <summary>Apache Parquet with typed columns (strings, 64-bit integers, doubles, booleans, DATE, lists of strings),
/// null where a value is unknown. Rows are kept column by column until a row group is full, then written and
/// handed to the client: memory holds one row group, whatever the row count. Snappy-compressed: every reader
/// (pandas, polars, R's arrow, DuckDB, Spark, the JavaScript ones) reads it, and it costs little CPU.</summary>
internal sealed class ParquetTableWriter : TableWriter
{
    /// <summary>Rows per row group: large enough for readers to scan efficiently, small enough to keep in memory.</summary>
    public const int RowGroupRows = 10_000;

    /// <summary>A row group also closes when its texts reach this many characters (articles with their bodies).</summary>
    public const long RowGroupChars = 8_000_000;

    private readonly IReadOnlyList<TableColumn> columns;
    private readonly Stream output;
    private readonly ParquetSchema schema;
    private readonly DataField[] fields;
    private readonly object?[][] buffers;
    private ParquetWriter? writer;
    private int count;
    private long chars;
    private int rowGroups;

    public ParquetTableWriter(IReadOnlyList<TableColumn> columns, Stream body)
    {
        this.columns = columns;
        output = new PositionedStream(body);
        schema = new ParquetSchema(columns.Select(FieldOf));
        fields = schema.GetDataFields();
        buffers = columns.Select(_ => new object?[RowGroupRows]).ToArray();
    }

    private static Field FieldOf(TableColumn column) => column.Type switch
    {
        ColumnType.Text => new DataField<string>(column.Name, column.Nullable),
        ColumnType.Integer => column.Nullable ? new DataField<long?>(column.Name) : new DataField<long>(column.Name),
        ColumnType.Real => column.Nullable ? new DataField<double?>(column.Name) : new DataField<double>(column.Name),
        ColumnType.Boolean => column.Nullable ? new DataField<bool?>(column.Name) : new DataField<bool>(column.Name),
        ColumnType.Date => column.Nullable ? new DataField<DateOnly?>(column.Name) : new DataField<DateOnly>(column.Name),
        ColumnType.TextList => new ListField(column.Name, new DataField<string>("element", false)),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    public override async ValueTask StartAsync(CancellationToken cancellationToken) =>
        writer = await ParquetWriter.CreateAsync(schema, output, new ParquetOptions
        {
            CompressionMethod = CompressionMethod.Snappy,
            // Parquet.Net 6.1 wrote every string column PLAIN whatever this threshold (DuckDB's parquet_metadata on a
            // 3-million-row export; the same bytes at 0, the default and 1), and sampling for a dictionary cost about a
            // third of the writing time: it is not tried.
            DictionaryEncodingThreshold = 0,
        }, cancellationToken: cancellationToken);

    public override async ValueTask WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                buffers[i][count] = row[i];
                chars += row[i] switch { string text => text.Length, IReadOnlyList<string> list => list.Sum(s => s.Length), _ => 0 };
            }
            if (++count == RowGroupRows || chars >= RowGroupChars) await WriteRowGroupAsync(cancellationToken);
        }
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        // A file always has its schema, and at least one row group, so that every reader takes an empty result.
        if (count > 0 || rowGroups == 0) await WriteRowGroupAsync(cancellationToken);
        await writer!.DisposeAsync(); // writes the footer
        await output.FlushAsync(cancellationToken);
    }

    private async Task WriteRowGroupAsync(CancellationToken cancellationToken)
    {
        using (var group = writer!.CreateRowGroup())
        {
            for (var i = 0; i < columns.Count; i++)
                await WriteColumnAsync(group, fields[i], columns[i], buffers[i].AsMemory(0, count), cancellationToken);
            group.CompleteValidate();
        }
        foreach (var buffer in buffers) Array.Clear(buffer, 0, count);
        count = 0;
        chars = 0;
        rowGroups++;
        // Hand the row group to the client now: the server keeps none of it.
        await output.FlushAsync(cancellationToken);
    }

    private static async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, TableColumn column, Memory<object?> values, CancellationToken cancellationToken)
    {
        switch (column.Type)
        {
            case ColumnType.Text:
                var texts = new string?[values.Length];
                for (var i = 0; i < texts.Length; i++) texts[i] = (string?)values.Span[i];
                await group.WriteAsync(field, texts!);
                break;
            case ColumnType.Integer:
                await WriteValuesAsync<long>(group, field, column, values, cancellationToken);
                break;
            case ColumnType.Real:
                await WriteValuesAsync<double>(group, field, column, values, cancellationToken);
                break;
            case ColumnType.Boolean:
                await WriteValuesAsync<bool>(group, field, column, values, cancellationToken);
                break;
            case ColumnType.Date:
                await WriteValuesAsync<DateOnly>(group, field, column, values, cancellationToken);
                break;
            case ColumnType.TextList:
                await WriteListAsync(group, field, values, cancellationToken);
                break;
        }
    }

    private static async Task WriteValuesAsync<T>(ParquetRowGroupWriter group, DataField field, TableColumn column, Memory<object?> values, CancellationToken cancellationToken)
        where T : struct
    {
        var span = values.Span;
        if (column.Nullable)
        {
            var typed = new T?[span.Length];
            for (var i = 0; i < span.Length; i++) typed[i] = (T?)span[i];
            await group.WriteAsync<T>(field, typed, cancellationToken: cancellationToken);
        }
        else
        {
            var typed = new T[span.Length];
            for (var i = 0; i < span.Length; i++) typed[i] = (T)span[i]!;
            await group.WriteAsync<T>(field, typed, cancellationToken: cancellationToken);
        }
    }

    /// <summary>A list column written with its Dremel levels: each row starts a list (repetition 0), an empty
    /// list is one entry at the list's own definition level, each element one at the element's.</summary>
    private static async Task WriteListAsync(ParquetRowGroupWriter group, DataField element, Memory<object?> values, CancellationToken cancellationToken)
    {
        var items = new List<ReadOnlyMemory<char>>();
        var definitions = new List<int>();
        var repetitions = new List<int>();
        var full = element.MaxDefinitionLevel;
        foreach (var value in values.Span)
        {
            var list = value as IReadOnlyList<string> ?? [];
            if (list.Count == 0)
            {
                definitions.Add(full - 1);
                repetitions.Add(0);
                continue;
            }
            for (var i = 0; i < list.Count; i++)
            {
                items.Add((list[i] ?? "").AsMemory());
                definitions.Add(full);
                repetitions.Add(i == 0 ? 0 : element.MaxRepetitionLevel);
            }
        }
        await group.WriteAllPartsAsync<ReadOnlyMemory<char>>(element, items.ToArray(), definitions.ToArray(), repetitions.ToArray(), cancellationToken);
    }

    /// <summary>The response body, which cannot seek, with the position Parquet.Net records its offsets from. The
    /// server allows only asynchronous writes: what the library writes or flushes synchronously is kept, and sent
    /// with the next asynchronous write or flush (at the latest at the end of the row group).</summary>
    private sealed class PositionedStream(Stream inner) : Stream
    {
        private readonly MemoryStream pending = new();
        private long position;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => position;
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await SendPendingAsync(cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            pending.Write(buffer, offset, count);
            position += count;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await SendPendingAsync(cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
            position += buffer.Length;
        }

        private async ValueTask SendPendingAsync(CancellationToken cancellationToken)
        {
            if (pending.Length == 0) return;
            await inner.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), cancellationToken);
            pending.SetLength(0);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
