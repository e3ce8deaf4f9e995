using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PerspectivesApi.Articles;
using PerspectivesApi.Http;

namespace PerspectivesApi.Tests;

/// <summary>A search sorted by date, title or id may be answered by walking the sort's index and testing each row
/// against the full-text index (<see cref="OrderedSearch"/>). Whatever way a page is read, it must be the same page:
/// an archive that always walks (from one match on, a few rows at a time, so that walks hit their bound, fall back
/// and cross cursors) must list exactly what one that never walks lists.</summary>
public sealed class OrderedSearchTests
{
    private sealed class WalkingArchive(int walkFromMatches, int walkRows) : ArchiveApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Search:WalkFromMatches", walkFromMatches.ToString());
            builder.UseSetting("Search:WalkRows", walkRows.ToString());
        }
    }

    /// <summary>240 articles: the word in every third, densely among the newest and sparsely among the oldest,
    /// with day-, month- and year-precise dates, unknown dates and repeated dates (the id breaks ties).</summary>
    private static async Task AddArticlesAsync(ArchiveApp archive)
    {
        await using var connection = await archive.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO articles (id, title, genre, language, outlet_id, published_date, published_precision, published_inferred, excerpt, body)
            VALUES (@id, @title, 'news', @language, NULL, @date, @precision, @inferred, 'x', @body)
            """,
            Enumerable.Range(0, 240).Select(i => new
            {
                id = $"walk-{(i * 37) % 240:000}",
                title = $"Title {(i * 11) % 17}",
                language = i % 4 == 0 ? "ru" : "en",
                date = i % 23 == 0 ? null : i % 5 == 0 ? $"{2020 + i % 6}" : i % 5 == 1 ? $"{2020 + i % 6}-{1 + i % 12:00}" : $"{2020 + i % 6}-{1 + i % 12:00}-{1 + i % 28:00}",
                precision = i % 23 == 0 ? null : i % 5 == 0 ? "year" : i % 5 == 1 ? "month" : "day",
                inferred = i % 23 == 0 ? (int?)null : 0,
                body = (i < 120 ? i % 2 == 0 : i % 9 == 0) ? "the zyzzyva was seen" : "nothing of the kind",
            }));
    }

    private static async Task<List<string>> WalkAsync(ArchiveApp archive, string url)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await archive.GetJsonAsync(url + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.NullableString("nextCursor");
        } while (cursor is not null);
        return ids;
    }

    [Theory]
    [InlineData("/v1/articles?q=zyzzyva&sort=-published&limit=7")]
    [InlineData("/v1/articles?q=zyzzyva&sort=published&limit=5")]
    [InlineData("/v1/articles?q=zyzzyva&sort=title&limit=9")]
    [InlineData("/v1/articles?q=zyzzyva&sort=-id&limit=20")]
    [InlineData("/v1/articles?q=zyzzyva%20OR%20kind&sort=-published&limit=11")]
    [InlineData("/v1/articles?q=zyzzyva&language=en&sort=-published&limit=4")]
    [InlineData("/v1/articles?q=nowhere&sort=-published&limit=4")]
    [InlineData("/v1/stances?q=russia&sort=-held&limit=3")]
    [InlineData("/v1/stances?q=russia%20OR%20azerbaijan&sort=held&limit=4")]
    [InlineData("/v1/stances?q=russia%20OR%20baku%20OR%20moscow&position=supports&position=opposes&sort=-id&limit=2")]
    public async Task A_walked_search_lists_exactly_what_a_sorted_one_does(string url)
    {
        await using var walking = new WalkingArchive(walkFromMatches: 1, walkRows: 6);
        await using var sorting = new WalkingArchive(walkFromMatches: int.MaxValue, walkRows: 6);
        await AddArticlesAsync(walking);
        await AddArticlesAsync(sorting);

        var expected = await WalkAsync(sorting, url);
        Assert.Equal(expected, await WalkAsync(walking, url));
        Assert.Equal(expected.Count, expected.Distinct().Count());
        if (!url.Contains("nowhere")) Assert.True(expected.Count > 4, $"{url} lists {expected.Count} items; the case needs several pages");
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN (the walk is SQLite's; PostgreSQL never walks)
    [Fact]
    public async Task A_walk_reads_the_sort_index_and_tests_each_row_without_sorting_the_matches()
    {
        var request = ListRequest.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["q"] = "zyzzyva", ["sort"] = "-published" }),
            ArticleQueries.Collection, null, new CursorCodec(new byte[32]), out var errors);
        Assert.Empty(errors);
        var search = ArticleQueries.Collection.Filters.Single(f => f.Name == "q");
        var (sql, parameters) = CollectionReader.WalkQuery(request, null, search, new OrderedSearch.WalkBound { SortKey = "2020-01-01", PageId = "a" });
        await using var archive = new ArchiveApp();
        await using var connection = await archive.OpenAsync();
        var plan = (await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>("EXPLAIN QUERY PLAN " + sql, parameters)).Select(r => r.Detail).ToList();
        var all = string.Join("\n", plan);
        Assert.Contains(plan, step => step.StartsWith("SEARCH a USING INDEX ix_articles_published") || step.StartsWith("SCAN a USING INDEX ix_articles_published"));
        // Each row of the walk is tested against the full-text index by its rowid and the query (FTS5's "=" and "M"),
        // never by reading the query's matches.
        Assert.Contains(plan, step => step.Contains("articles_fts") && step.Contains(":=M"));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN articles_fts VIRTUAL TABLE INDEX 0:M"));
        Assert.True(plan.Count(step => step.Contains("TEMP B-TREE")) <= 1, all); // the page's own 21 rows, not the matches
    }
}
