using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using DuckDB.NET.Data;

namespace PerspectivesApi.Tests;

/// <summary>The tests' own reading of exports, independent of the service's writers: CSV with CsvHelper, Parquet
/// with DuckDB (its C++ reader), and JSON items flattened by the documented rule (the JSON path in snake_case,
/// a date at a precision with its first and last day, a list of objects as one list per value).</summary>
public static class Tabular
{
    /// <summary>A JSON item as the row its export should be: values as strings (CSV's text), long, double,
    /// bool, DateOnly, a list of strings, or null. A null object has no entries: its columns must be null.</summary>
    public static Dictionary<string, object?> Flatten(JsonElement item)
    {
        var row = new Dictionary<string, object?>();
        Add(row, item, "");
        return row;
    }

    private static void Add(Dictionary<string, object?> row, JsonElement element, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = prefix + SnakeCase(property.Name);
            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    Add(row, value, name + "_");
                    if (value.TryGetProperty("date", out var date) && value.TryGetProperty("precision", out var precision))
                    {
                        var (first, last) = Period(date.GetString()!, precision.GetString()!);
                        row[name + "_first_day"] = first;
                        row[name + "_last_day"] = last;
                    }
                    break;
                case JsonValueKind.Array:
                    var lists = new Dictionary<string, List<string>>();
                    foreach (var element2 in value.EnumerateArray())
                    {
                        var leaves = new Dictionary<string, object?>();
                        Add(leaves, element2, name + "_");
                        foreach (var (leaf, leafValue) in leaves.Where(l => !l.Key.StartsWith("__", StringComparison.Ordinal)))
                        {
                            if (!lists.TryGetValue(leaf, out var list)) lists[leaf] = list = [];
                            list.Add(Text(leafValue));
                        }
                    }
                    foreach (var (leaf, list) in lists) row[leaf] = list;
                    // An empty list still has its columns, each an empty list.
                    row["__list:" + name] = lists.Count;
                    break;
                case JsonValueKind.Null: row["__null:" + name] = null; break;
                case JsonValueKind.String: row[name] = value.GetString(); break;
                case JsonValueKind.True: row[name] = true; break;
                case JsonValueKind.False: row[name] = false; break;
                case JsonValueKind.Number: row[name] = value.TryGetInt64(out var whole) ? (object)whole : value.GetDouble(); break;
            }
        }
    }

    /// <summary>Checks an export row (column → value) against the flattened JSON item.</summary>
    public static void AssertRowMatches(Dictionary<string, object?> expected, IReadOnlyDictionary<string, object?> actual, Func<object?, object?> normalize, string where)
    {
        foreach (var (name, value) in expected)
        {
            if (name.StartsWith("__null:", StringComparison.Ordinal))
            {
                // A null value or reference: its column, or each of its columns, is null.
                var prefix = name["__null:".Length..];
                var columns = actual.Keys.Where(k => k == prefix || k.StartsWith(prefix + "_", StringComparison.Ordinal)).ToList();
                Assert.True(columns.Count > 0, $"{where}: no column for the null {prefix}");
                Assert.All(columns, c => Assert.True(normalize(actual[c]) is null, $"{where}: {c} should be null, is {actual[c]}"));
                continue;
            }
            if (name.StartsWith("__list:", StringComparison.Ordinal))
            {
                var prefix = name["__list:".Length..];
                var columns = actual.Keys.Where(k => k.StartsWith(prefix + "_", StringComparison.Ordinal)).ToList();
                Assert.True(columns.Count > 0, $"{where}: no list column for {prefix}");
                if ((int)value! == 0) Assert.All(columns, c => Assert.Equal(normalize(new List<string>()), normalize(actual[c])));
                continue;
            }
            Assert.True(actual.ContainsKey(name), $"{where}: no column {name} (columns: {string.Join(", ", actual.Keys)})");
            Assert.True(Equals(normalize(value), normalize(actual[name])), $"{where}: {name} is {Show(actual[name])}, expected {Show(value)}");
        }
    }

    private static string Show(object? value) => value is List<string> list ? "[" + string.Join(", ", list) + "]" : value?.ToString() ?? "null";

    /// <summary>Every value as CSV writes it: so any reading can be compared with any other.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => DateOnly.FromDateTime(time).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => string.Join("; ", list.Cast<object?>().Select(Text)),
        IFormattable other => other.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>CSV's reading: an empty cell is null.</summary>
    public static object? CsvText(object? value) => Text(value) is { Length: > 0 } text ? text : null;

    public static (DateOnly First, DateOnly Last) Period(string date, string precision) => precision switch
    {
        "day" => (DateOnly.Parse(date, CultureInfo.InvariantCulture), DateOnly.Parse(date, CultureInfo.InvariantCulture)),
        "month" => (DateOnly.Parse(date + "-01", CultureInfo.InvariantCulture), DateOnly.Parse(date + "-01", CultureInfo.InvariantCulture).AddMonths(1).AddDays(-1)),
        "year" => (new DateOnly(int.Parse(date, CultureInfo.InvariantCulture), 1, 1), new DateOnly(int.Parse(date, CultureInfo.InvariantCulture), 12, 31)),
        _ => throw new ArgumentException(precision),
    };

    public static string SnakeCase(string name)
    {
        var result = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c)) result.Append('_');
            result.Append(char.ToLowerInvariant(c));
        }
        return result.ToString();
    }

    /// <summary>Parses CSV with CsvHelper (RFC 4180: quoted fields, doubled quotes, line breaks inside fields).</summary>
    public static (List<string> Header, List<Dictionary<string, object?>> Rows) ParseCsv(string text)
    {
        using var csv = CsvReader.Create(new StringReader(text), null, false);
        var rows = new List<Dictionary<string, object?>>();
        List<string>? header = null;
        while (csv.Read())
        {
            header ??= csv.Headers.ToList();
            Assert.Equal(header.Count, csv.FieldCount);
            rows.Add(header.Select((name, i) => (name, value: csv.GetString(i))).ToDictionary(p => p.name, p => (object?)p.value));
        }
        if (header is null)
        {
            // No rows: the header alone.
            var first = text.Split("\r\n")[0];
            header = first.Length == 0 ? [] : first.Split(',').ToList();
        }
        return (header, rows);
    }

    /// <summary>A Parquet file read by DuckDB: its columns with DuckDB's types, and its rows.</summary>
    public static (List<(string Name, string Type)> Columns, List<Dictionary<string, object?>> Rows) ReadParquet(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"perspectives-test-{Guid.NewGuid():N}.parquet");
        File.WriteAllBytes(path, bytes);
        try
        {
            using var duck = new DuckDBConnection("Data Source=:memory:");
            duck.Open();
            var columns = new List<(string, string)>();
            using (var describe = duck.CreateCommand())
            {
                describe.CommandText = $"DESCRIBE SELECT * FROM read_parquet('{path}')";
                using var reader = describe.ExecuteReader();
                while (reader.Read()) columns.Add((reader.GetString(0), reader.GetString(1)));
            }
            var rows = new List<Dictionary<string, object?>>();
            using (var select = duck.CreateCommand())
            {
                select.CommandText = $"SELECT * FROM read_parquet('{path}')";
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    var row = new Dictionary<string, object?>();
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                        row[reader.GetName(i)] = value is System.Collections.IEnumerable list and not string ? list.Cast<object?>().Select(v => v?.ToString() ?? "").ToList() : value;
                    }
                    rows.Add(row);
                }
            }
            return (columns, rows);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A query over Parquet files given by name (each written to a temporary file and named by a view).</summary>
    public static List<object?[]> QueryParquet(IReadOnlyDictionary<string, byte[]> files, string sql)
    {
        var directory = Directory.CreateTempSubdirectory("perspectives-parquet-").FullName;
        try
        {
            using var duck = new DuckDBConnection("Data Source=:memory:");
            duck.Open();
            foreach (var (name, bytes) in files)
            {
                var path = Path.Combine(directory, name + ".parquet");
                File.WriteAllBytes(path, bytes);
                using var view = duck.CreateCommand();
                view.CommandText = $"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')";
                view.ExecuteNonQuery();
            }
            using var command = duck.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                rows.Add(row);
            }
            return rows;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
