namespace PerspectivesApi.Data;

/// <summary>Calendar days written yyyy-MM-dd, as the archive stores, filters by and downloads them: the one reader and
/// writer of the form, by hand. An export of three million stances reads and writes nine million of them, and the
/// culture-aware parser and formatter (DateOnly.TryParseExact, ToString) were 4% of its CPU. Exactly as strict as
/// "yyyy-MM-dd" with the invariant culture (IsoDateTests).</summary>
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

    public static string Format(DateOnly day)
    {
        Span<byte> ascii = stackalloc byte[10];
        Write(day, ascii);
        return System.Text.Encoding.ASCII.GetString(ascii);
    }

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
