using PerspectivesApi.Data;
using System.Globalization;
using PerspectivesApi.Exports;

namespace PerspectivesApi.Tests;

/// <summary>The hand-written yyyy-MM-dd reader and writer of the downloads (<see cref="IsoDate"/>) agree with .NET's
/// own strict parser and formatter on every kind of text, valid or not.</summary>
public sealed class IsoDateTests
{
    [Fact]
    public void Every_day_from_year_1_to_9999_is_written_and_read_back_as_DateOnly_does()
    {
        for (var day = DateOnly.MinValue; day < DateOnly.MaxValue.AddDays(-3); day = day.AddDays(3))
        {
            var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(text, IsoDate.Format(day));
            Assert.True(IsoDate.TryParse(text, out var read));
            Assert.Equal(day, read);
        }
    }

    [Fact]
    public void Malformed_and_impossible_dates_are_refused_exactly_as_TryParseExact_refuses_them()
    {
        string[] cases =
        [
            "2025-02-29", "2024-02-29", "2024-02-30", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32", "0000-01-01", "9999-12-31",
            "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01", " 2025-01-01", "2025-01-01 ", "2025-01-01T00", "", "2025-01", "abcd-ef-gh",
            "２０２５-01-01", "2025-0١-01", "2025--1-01", "+025-01-01", "-025-01-01",
        ];
        var random = new Random(13);
        const string alphabet = "0123456789-+ /x٣";
        var mutated = Enumerable.Range(0, 20_000).Select(_ =>
        {
            var chars = DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture).ToCharArray();
            chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            return new string(chars);
        });
        foreach (var text in cases.Concat(mutated))
        {
            var expected = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day);
            Assert.True(expected == IsoDate.TryParse(text, out var read), $"'{text}': TryParseExact says {expected}");
            if (expected) Assert.Equal(day, read);
        }
    }

    [Theory]
    [InlineData("2025-07", "2025-07-01", "2025-07-31")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    [InlineData("2025", "2025-01-01", "2025-12-31")]
    public void A_month_or_a_year_stands_for_its_first_to_its_last_day(string date, string first, string last)
    {
        var precision = date.Length == 4 ? "year" : "month";
        Assert.Equal((DateOnly.Parse(first, CultureInfo.InvariantCulture), DateOnly.Parse(last, CultureInfo.InvariantCulture)), Period.Of(date, precision));
        Assert.Null(Period.Of(date + "-1", precision));
    }
}
