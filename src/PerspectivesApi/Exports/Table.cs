using PerspectivesApi.Data;
using System.Globalization;

namespace PerspectivesApi.Exports;

/// <summary>The type of a column in a download (CSV, NDJSON, Parquet) and in the snapshot's dictionary.</summary>
public enum ColumnType
{
    /// <summary>Text; in Parquet a UTF-8 string.</summary>
    Text,
    /// <summary>A whole number; in Parquet a 64-bit integer.</summary>
    Integer,
    /// <summary>A floating-point number; in Parquet a double.</summary>
    Real,
    /// <summary>true or false; in Parquet a boolean, in SQLite 0 or 1.</summary>
    Boolean,
    /// <summary>A calendar day; in Parquet a DATE, in CSV, NDJSON and SQLite yyyy-MM-dd text.</summary>
    Date,
    /// <summary>A list of texts; in Parquet a list of strings, in NDJSON an array, in CSV one cell with the values joined by "; ".</summary>
    TextList,
}

/// <summary>One column of a table as every download format writes it: its name (snake_case, the same in
/// CSV, NDJSON, Parquet and the snapshot), its type, whether it may be null, and what it means.</summary>
public sealed record TableColumn(string Name, ColumnType Type, bool Nullable, string Description)
{
    /// <summary>How the type reads in the dictionaries (the snapshot's, the tables index, the contract).</summary>
    public string TypeName => Type switch
    {
        ColumnType.Text => "text",
        ColumnType.Integer => "integer",
        ColumnType.Real => "real",
        ColumnType.Boolean => "boolean",
        ColumnType.Date => "date",
        ColumnType.TextList => "list of text",
        _ => throw new ArgumentOutOfRangeException(nameof(Type)),
    };

    /// <summary>The exact form of a number or a date, named as OpenAPI names formats; null for the other types.</summary>
    public string? FormatName => Type switch
    {
        ColumnType.Integer => "int64",
        ColumnType.Real => "double",
        ColumnType.Date => "date",
        _ => null,
    };
}

/// <summary>The day range a date at a precision stands for: 2025-07 is 2025-07-01 to 2025-07-31. A date
/// stored as "2025" or "2025-07" read as a day would silently become the first of the period; the first and
/// last day say what is known.</summary>
public static class Period
{
    public static (DateOnly First, DateOnly Last)? Of(string? date, string? precision)
    {
        if (date is null) return null;
        switch (precision)
        {
            case "day" when IsoDate.TryParse(date, out var day):
                return (day, day);
            case "month" when IsoDate.TryParseMonth(date, out var first):
                return (first, first.AddMonths(1).AddDays(-1));
            case "year" when int.TryParse(date, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1 and <= 9999:
                return (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
            default:
                return null;
        }
    }

    /// <summary>The same in SQL, for a date column and its precision column (names from code, never from input).</summary>
    public static string FirstDaySql(string date, string precision) =>
        $"CASE {precision} WHEN 'day' THEN {date} WHEN 'month' THEN {date} || '-01' WHEN 'year' THEN {date} || '-01-01' END";

    public static string LastDaySql(string date, string precision) =>
        $"CASE {precision} WHEN 'day' THEN {date} WHEN 'month' THEN date({date} || '-01', '+1 month', '-1 day') WHEN 'year' THEN {date} || '-12-31' END";
}
