using System.Globalization;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Explorer;

/// <summary>One position's part of a bar.</summary>
public sealed record TimelineSegment(string Position, long Count, double Y, double Height);

/// <summary>The stances held in one period, stacked by position.</summary>
public sealed record TimelineBar(string Period, string Label, double X, double Width, long Total, IReadOnlyList<TimelineSegment> Segments);

public sealed record TimelineTick(double X, string Label);

/// <summary>The geometry of a topic's timeline: how many stances took each position in each period they
/// were held, as stacked bars, computed here so that the page draws it as plain SVG (no script, no chart
/// service) and a test can check it against the summary it comes from.</summary>
/// <param name="Unit">month or year: months when every dated stance is known to the month and they span at most ten years.</param>
/// <param name="Undated">Stances whose time is unknown (or, by month, known only to the year): not drawn, but said.</param>
public sealed record TimelineDrawing(
    string Unit, IReadOnlyList<TimelineBar> Bars, IReadOnlyList<TimelineTick> Ticks, long Max, long Undated)
{
    public const double Width = 720, Height = 220, Left = 44, Right = 12, Top = 12, Bottom = 30;

    /// <summary>Stacked from the bottom: the two sides apart, mixed and neutral between them.</summary>
    public static readonly string[] Positions = [Data.Position.Supports, Data.Position.Mixed, Data.Position.Neutral, Data.Position.Opposes];

    private const int MostMonths = 120, MostTicks = 10, MostBarWidth = 56;

    public double Baseline => Height - Bottom;

    public bool IsEmpty => Bars.Count == 0;

    public string UnitLabel => Unit == "month" ? "month" : "year";

    public static TimelineDrawing From(TopicSummary summary)
    {
        var years = summary.ByHeldYear.Where(g => g.Year is not null).ToDictionary(g => g.Year!, g => g.Positions);
        var months = summary.ByHeldMonth.Where(g => g.Month is not null).ToDictionary(g => g.Month!, g => g.Positions);
        var datedByYear = years.Values.Sum(p => p.Total);
        var datedByMonth = months.Values.Sum(p => p.Total);
        var total = summary.Positions.Total;

        List<(string Period, string Label, PositionCounts Positions)> periods;
        string unit;
        if (months.Count > 0 && datedByMonth == datedByYear && MonthsBetween(months.Keys.Min()!, months.Keys.Max()!) <= MostMonths)
        {
            unit = "month";
            periods = EveryMonth(months.Keys.Min()!, months.Keys.Max()!)
                .Select(m => (m, MonthLabel(m), months.GetValueOrDefault(m) ?? Empty)).ToList();
        }
        else
        {
            unit = "year";
            periods = years.Count == 0 ? [] : Enumerable.Range(int.Parse(years.Keys.Min()!, CultureInfo.InvariantCulture),
                    int.Parse(years.Keys.Max()!, CultureInfo.InvariantCulture) - int.Parse(years.Keys.Min()!, CultureInfo.InvariantCulture) + 1)
                .Select(y => y.ToString(CultureInfo.InvariantCulture))
                .Select(y => (y, y, years.GetValueOrDefault(y) ?? Empty)).ToList();
        }
        var dated = unit == "month" ? datedByMonth : datedByYear;
        if (periods.Count == 0) return new TimelineDrawing(unit, [], [], 0, total);

        var max = Math.Max(1, periods.Max(p => p.Positions.Total));
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var step = plotWidth / periods.Count;
        // Bars no wider than a thumb: one period alone is a bar, not a block.
        var barWidth = Math.Clamp(step * 0.8, 1, MostBarWidth);
        var bars = new List<TimelineBar>();
        for (var i = 0; i < periods.Count; i++)
        {
            var (period, label, positions) = periods[i];
            var x = Left + i * step + (step - barWidth) / 2;
            var y = Height - Bottom;
            var segments = new List<TimelineSegment>();
            foreach (var position in Positions)
            {
                var count = CountOf(positions, position);
                if (count == 0) continue;
                var height = count * plotHeight / max;
                y -= height;
                segments.Add(new TimelineSegment(position, count, Round(y), Round(height)));
            }
            bars.Add(new TimelineBar(period, label, Round(x), Round(barWidth), positions.Total, segments));
        }
        // At most MostTicks labels, evenly spaced, the first period always among them.
        var every = (int)Math.Ceiling(periods.Count / (double)MostTicks);
        var ticks = bars.Where((_, i) => i % every == 0).Select(b => new TimelineTick(Round(b.X + b.Width / 2), b.Label)).ToList();
        return new TimelineDrawing(unit, bars, ticks, max, total - dated);
    }

    public static long CountOf(PositionCounts counts, string position) => position switch
    {
        Data.Position.Supports => counts.Supports,
        Data.Position.Opposes => counts.Opposes,
        Data.Position.Mixed => counts.Mixed,
        _ => counts.Neutral,
    };

    private static readonly PositionCounts Empty = new(0, 0, 0, 0);

    private static double Round(double value) => Math.Round(value, 1);

    private static int MonthsBetween(string first, string last) =>
        (Year(last) - Year(first)) * 12 + Month(last) - Month(first) + 1;

    private static IEnumerable<string> EveryMonth(string first, string last)
    {
        for (var (y, m) = (Year(first), Month(first)); y < Year(last) || (y == Year(last) && m <= Month(last)); (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1))
            yield return $"{y:0000}-{m:00}";
    }

    private static int Year(string month) => int.Parse(month[..4], CultureInfo.InvariantCulture);

    private static int Month(string month) => int.Parse(month[5..7], CultureInfo.InvariantCulture);

    private static string MonthLabel(string month) =>
        new DateOnly(Year(month), Month(month), 1).ToString("MMM yyyy", CultureInfo.InvariantCulture);
}
