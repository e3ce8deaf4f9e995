using System.Text.Json;
using Dapper;

namespace PerspectivesApi.Tests;

/// <summary>The seed corpus plus generated rows (several pages' worth in every collection, with
/// ties on the sort keys so that the id tie-breaker is exercised).</summary>
public sealed class ArchiveWithManyRows : ArchiveApp, IAsyncLifetime
{
    public const int ExtraOutlets = 45, ExtraAuthors = 130, ExtraTopics = 60, ExtraArticles = 230, ExtraStances = 400;

    public async Task InitializeAsync()
    {
        await using var connection = await OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync("INSERT INTO outlets (id, name, kind, country) VALUES (@id, @name, 'news-site', @country)",
            Enumerable.Range(0, ExtraOutlets).Select(i => new { id = $"outlet-{i:000}", name = $"Outlet {i % 10}", country = i % 3 == 0 ? "GE" : null }), transaction);
        await connection.ExecuteAsync("INSERT INTO authors (id, name) VALUES (@id, @name)",
            Enumerable.Range(0, ExtraAuthors).Select(i => new { id = $"author-{i:000}", name = $"Author {i % 17}" }), transaction);
        await connection.ExecuteAsync("INSERT INTO topics (id, title, proposition) VALUES (@id, @title, 'A proposition.')",
            Enumerable.Range(0, ExtraTopics).Select(i => new { id = $"topic-{i:000}", title = $"Topic {i % 7}" }), transaction);
        // Dates repeat (ties), some are month- or year-precise, some unknown.
        await connection.ExecuteAsync("""
            INSERT INTO articles (id, title, genre, language, outlet_id, published_date, published_precision, published_inferred, excerpt, body)
            VALUES (@id, @title, 'news', @language, @outlet, @date, @precision, @inferred, 'x', 'Generated body.')
            """,
            Enumerable.Range(0, ExtraArticles).Select(i => new
            {
                id = $"article-{i:000}", title = $"Title {i % 13}", language = i % 4 == 0 ? "ru" : "en",
                outlet = i % 5 == 0 ? null : $"outlet-{i % 3:000}",
                date = (i % 10) switch { 0 => null, 1 => "2024", 2 => $"2024-{1 + i % 12:00}", _ => $"2024-{1 + i % 12:00}-{1 + i % 28:00}" },
                precision = (i % 10) switch { 0 => null, 1 => "year", 2 => "month", _ => "day" },
                inferred = i % 10 == 0 ? (long?)null : i % 2,
            }), transaction);
        await connection.ExecuteAsync("INSERT INTO credits (article_id, author_id, role, ordinal) VALUES (@article, @author, 'author', 1)",
            Enumerable.Range(0, ExtraArticles).Select(i => new { article = $"article-{i:000}", author = $"author-{i % 2:000}" }), transaction);
        await connection.ExecuteAsync("""
            INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary)
            VALUES (@id, @topic, @article, @author, @position, 'Generated', 0, 9, 'A summary.')
            """,
            Enumerable.Range(0, ExtraStances).Select(i => new
            {
                id = $"stance-{i:000}", topic = $"topic-{i % 2:000}", article = $"article-{i % 3:000}",
                author = i % 4 == 0 ? null : $"author-{i % 2:000}", position = new[] { "supports", "opposes", "mixed", "neutral" }[i % 4],
            }), transaction);
        await transaction.CommitAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

public sealed class PaginationTests(ArchiveWithManyRows app) : IClassFixture<ArchiveWithManyRows>
{
    public static TheoryData<string, string, string> Walks => new()
    {
        // url, SQL giving the ids the walk must return, the sort's SQL key (for the order check)
        { "/v1/articles", "SELECT id FROM articles", "published_key" },
        { "/v1/articles?sort=title", "SELECT id FROM articles", "title" },
        { "/v1/articles?sort=-id", "SELECT id FROM articles", "id" },
        { "/v1/articles?language=en&sort=published", "SELECT id FROM articles WHERE language = 'en'", "published_key" },
        { "/v1/articles?from=2024-03-01&to=2024-09-30", "SELECT id FROM articles WHERE published_key >= '2024-03-01' AND published_end <= '2024-09-30'", "published_key" },
        { "/v1/outlets/outlet-001/articles", "SELECT id FROM articles WHERE outlet_id = 'outlet-001'", "published_key" },
        { "/v1/authors/author-000/articles?sort=-title", "SELECT article_id FROM credits WHERE author_id = 'author-000'", "title" },
        { "/v1/authors", "SELECT id FROM authors", "name" },
        { "/v1/authors?sort=-name", "SELECT id FROM authors", "name" },
        { "/v1/outlets", "SELECT id FROM outlets", "name" },
        { "/v1/outlets?country=GE", "SELECT id FROM outlets WHERE country = 'GE'", "name" },
        { "/v1/topics", "SELECT id FROM topics", "title" },
        { "/v1/topics?sort=-id", "SELECT id FROM topics", "id" },
        { "/v1/stances", "SELECT id FROM stances", "id" },
        { "/v1/stances?position=supports&position=opposes", "SELECT id FROM stances WHERE position IN ('supports', 'opposes')", "id" },
        { "/v1/topics/topic-001/stances", "SELECT id FROM stances WHERE topic_id = 'topic-001'", "id" },
        { "/v1/articles/article-002/stances?sort=-id", "SELECT id FROM stances WHERE article_id = 'article-002'", "id" },
        { "/v1/authors/author-001/stances", "SELECT id FROM stances WHERE author_id = 'author-001'", "id" },
    };

    [Theory, MemberData(nameof(Walks))]
    public async Task Walking_the_pages_returns_every_item_exactly_once_in_order(string url, string expectedSql, string sortKey)
    {
        await using var connection = await app.OpenAsync();
        var expected = (await connection.QueryAsync<string>(expectedSql)).ToList();
        Assert.True(expected.Count > 7, $"the walk over {url} must span several pages");

        var client = app.CreateClient();
        var seen = new List<string>();
        var next = url + (url.Contains('?') ? "&" : "?") + "limit=7&count=true";
        var pages = 0;
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            var page = JsonDocument.Parse(body).RootElement;
            Assert.Equal(expected.Count, page.GetProperty("total").GetInt64());
            var ids = page.Ids().ToList();
            Assert.InRange(ids.Count, 1, 7);
            seen.AddRange(ids);
            pages++;

            var cursor = page.NullableString("nextCursor");
            if (cursor is null)
            {
                Assert.False(response.Headers.Contains("Link"), "the last page has no Link header");
                next = null;
            }
            else
            {
                Assert.Equal(7, ids.Count);
                // The Link header carries the same next page as nextCursor.
                var link = Assert.Single(response.Headers.GetValues("Link"));
                Assert.EndsWith(">; rel=\"next\"", link);
                var linked = new Uri(link[1..link.IndexOf('>')]);
                Assert.Contains("cursor=" + Uri.EscapeDataString(cursor), linked.Query);
                next = linked.PathAndQuery;
            }
            Assert.True(pages < 200, "the walk does not end");
        }

        Assert.Equal(expected.Order().ToList(), seen.Order().ToList()); // every item, each once
        var descending = url.Contains("sort=-") || (!url.Contains("sort=") && url.Contains("/articles"));
        var table = url.Contains("/stances") ? "stances" : url.Contains("/articles") ? "articles" : url.Split('/', '?')[2];
        var keys = (await connection.QueryAsync<(string Id, string Key)>($"SELECT id, {sortKey} FROM {table}")).ToDictionary(r => r.Id, r => r.Key);
        var order = seen.Select(id => (keys[id], id)).ToList();
        var sorted = descending
            ? order.OrderByDescending(o => o.Item1, StringComparer.Ordinal).ThenByDescending(o => o.id, StringComparer.Ordinal).ToList()
            : order.OrderBy(o => o.Item1, StringComparer.Ordinal).ThenBy(o => o.id, StringComparer.Ordinal).ToList();
        Assert.Equal(sorted, order);
    }

    private async Task<string> FirstCursorAsync(string url) =>
        (await app.GetJsonAsync(url)).NullableString("nextCursor") ?? throw new InvalidOperationException($"{url} has a single page");

    [Theory]
    [InlineData("/v1/articles?limit=5&language=en", "/v1/articles?limit=5&language=ru")]
    [InlineData("/v1/articles?limit=5", "/v1/articles?limit=5&sort=title")]
    [InlineData("/v1/articles?limit=5", "/v1/articles?limit=5&genre=news")]
    [InlineData("/v1/stances?limit=5", "/v1/authors?limit=5")]
    [InlineData("/v1/outlets/outlet-001/articles?limit=5", "/v1/outlets/outlet-002/articles?limit=5")]
    [InlineData("/v1/topics/topic-000/stances?limit=5", "/v1/stances?limit=5&topic=topic-000")]
    public async Task A_cursor_reused_with_another_query_is_a_400_naming_cursor(string from, string reusedOn)
    {
        var cursor = await FirstCursorAsync(from);
        using var response = await app.CreateClient().GetAsync($"{reusedOn}&cursor={Uri.EscapeDataString(cursor)}");
        var problem = await ProblemAssert.NamesParameterAsync(response, "cursor");
        Assert.Contains("different query", problem.GetProperty("errors").GetProperty("cursor")[0].GetString());
    }

    [Fact]
    public async Task A_cursor_keeps_working_with_another_limit()
    {
        var cursor = await FirstCursorAsync("/v1/articles?limit=5");
        var page = await app.GetJsonAsync($"/v1/articles?limit=9&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(9, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_tampered_cursor_is_a_400_naming_cursor()
    {
        var cursor = await FirstCursorAsync("/v1/articles?limit=5");
        var dot = cursor.IndexOf('.');
        // Re-encode the payload with another position but keep the old signature.
        var payload = Convert.FromBase64String(cursor[..dot].Replace('-', '+').Replace('_', '/').PadRight((dot + 3) / 4 * 4, '='));
        var forged = System.Text.Encoding.UTF8.GetString(payload).Replace("article-", "article-9");
        var forgedToken = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(forged)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + cursor[dot..];
        foreach (var token in new[] { forgedToken, cursor[..^2] + (cursor[^2] == 'A' ? "BB" : "AA"), cursor[..dot], "" + cursor + "x" })
        {
            using var response = await app.CreateClient().GetAsync($"/v1/articles?limit=5&cursor={Uri.EscapeDataString(token)}");
            await ProblemAssert.NamesParameterAsync(response, "cursor");
        }
    }
}
