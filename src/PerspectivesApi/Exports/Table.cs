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

/// <summary>Calendar days written yyyy-MM-dd, as every download writes them, read and written by hand: an export of
/// three million stances reads and writes nine million of them, and the culture-aware parser and formatter
/// (DateOnly.TryParseExact, ToString) were 4% of its CPU. Strict as "yyyy-MM-dd" with the invariant culture is.</summary>
public static class IsoDate
{
    public static bool TryParse(ReadOnlySpan<char> text, out DateOnly day)
    {
        day = default;
        return text.Length == 10 && text[7] == '-' && TryParseMonth(text[..7], out var first) && TwoDigits(text[8..], out var dayOfMonth)
               && dayOfMonth >= 1 && dayOfMonth <= DateTime.DaysInMonth(first.Year, first.Month)
               && Assign(out day, new DateOnly(first.Year, first.Month, dayOfMonth));
    }

    /// <summary>A month written yyyy-MM, as its first day.</summary>
    public static bool TryParseMonth(ReadOnlySpan<char> text, out DateOnly first)
    {
        first = default;
        return text.Length == 7 && text[4] == '-' && TwoDigits(text[..2], out var century) && TwoDigits(text[2..4], out var years)
               && TwoDigits(text[5..], out var month) && century * 100 + years >= 1 && month is >= 1 and <= 12
               && Assign(out first, new DateOnly(century * 100 + years, month, 1));
    }

    public static string Format(DateOnly day) => string.Create(10, day, static (chars, d) =>
    {
        Span<byte> utf8 = stackalloc byte[10];
        Write(d, utf8);
        for (var i = 0; i < 10; i++) chars[i] = (char)utf8[i];
    });

    /// <summary>Writes the day's 10 ASCII bytes.</summary>
    public static void Write(DateOnly day, Span<byte> utf8)
    {
        var (year, month, dayOfMonth) = (day.Year, day.Month, day.Day);
        utf8[0] = (byte)('0' + year / 1000); utf8[1] = (byte)('0' + year / 100 % 10); utf8[2] = (byte)('0' + year / 10 % 10); utf8[3] = (byte)('0' + year % 10);
        utf8[4] = (byte)'-'; utf8[5] = (byte)('0' + month / 10); utf8[6] = (byte)('0' + month % 10);
        utf8[7] = (byte)'-'; utf8[8] = (byte)('0' + dayOfMonth / 10); utf8[9] = (byte)('0' + dayOfMonth % 10);
    }

    private static bool TwoDigits(ReadOnlySpan<char> text, out int value)
    {
        value = (text[0] - '0') * 10 + (text[1] - '0');
        return char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1]);
    }

    private static bool Assign(out DateOnly target, DateOnly value)
    {
        target = value;
        return true;
    }
}
