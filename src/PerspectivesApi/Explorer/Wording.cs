using System.Globalization;
using PerspectivesApi.Data;
using PerspectivesApi.Stances;

namespace PerspectivesApi.Explorer;

/// <summary>How the archive's values read on a page: dates at their precision, positions, kinds of voice,
/// how words reach us. The values themselves (and their definitions) are those of <see cref="Vocabulary"/>.</summary>
public static class Wording
{
    /// <summary>"4 July 2025", "July 2025" or "2025", as precise as the archive knows it.</summary>
    public static string Date(string date, string precision)
    {
        var parts = date.Split('-');
        if (parts.Length >= 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var year) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var month)
            && month is >= 1 and <= 12 && year is >= 1 and <= 9999)
        {
            var day = parts.Length == 3 && precision == Precision.Day && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var d) ? d : 0;
            if (day >= 1 && day <= DateTime.DaysInMonth(year, month))
                return new DateOnly(year, month, day).ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
            return new DateOnly(year, month, 1).ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        }
        return date;
    }

    public static string Position(string position) => position switch
    {
        Data.Position.Supports => "Supports",
        Data.Position.Opposes => "Opposes",
        Data.Position.Mixed => "Mixed",
        Data.Position.Neutral => "Neutral",
        _ => position,
    };

    /// <summary>The plural heading of a column of stances.</summary>
    public static string PositionColumn(string position) => position switch
    {
        Data.Position.Supports => "Support",
        Data.Position.Opposes => "Oppose",
        Data.Position.Mixed => "Mixed",
        Data.Position.Neutral => "Neutral",
        _ => position,
    };

    public static string VoiceKind(string kind) => kind switch
    {
        Data.VoiceKind.Person => "person",
        Data.VoiceKind.Institution => "institution",
        Data.VoiceKind.Group => "group",
        Data.VoiceKind.Editorial => "editorial voice",
        _ => kind,
    };

    /// <summary>How the words reach us, before the relaying voice's name (when there is one).</summary>
    public static string Attribution(Attribution attribution) => attribution.Kind switch
    {
        AttributionKind.OwnWords => "in their own words",
        AttributionKind.Quoted => attribution.Via is null ? "quoted" : "quoted by",
        AttributionKind.Reported => attribution.Via is null ? "reported" : "as reported by",
        AttributionKind.Editorial => "the piece's own voice",
        _ => attribution.Kind,
    };

    public static string Count(long count, string one, string many) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    /// <summary>Links to a source URL only when it is a web address: curators' URLs are checked on
    /// write, but a page never makes a link of anything else (a javascript: URL).</summary>
    public static bool IsWebAddress(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
