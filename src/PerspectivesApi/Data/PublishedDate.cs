using System.Globalization;

namespace PerspectivesApi.Data;

/// <summary>A publication date at the precision the evidence supports: 2025-07-04, 2025-07 or 2025.</summary>
public static class PublishedDate
{
    public static bool IsValid(string? date, string? precision) => precision switch
    {
        "day" => IsoDate.TryParse(date, out _),
        "month" => IsoDate.TryParseMonth(date, out _),
        "year" => date is { Length: 4 } && int.TryParse(date, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        _ => false,
    };
}
