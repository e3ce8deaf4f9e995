using System.Globalization;

namespace PerspectivesApi.Data;

/// <summary>A publication date at the precision the evidence supports: 2025-07-04, 2025-07 or 2025.</summary>
public static class PublishedDate
{
    public static bool IsValid(string? date, string? precision) => precision switch
    {
        "day" => DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "month" => DateOnly.TryParseExact(date + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && date!.Length == 7,
        "year" => date is { Length: 4 } && int.TryParse(date, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        _ => false,
    };
}
