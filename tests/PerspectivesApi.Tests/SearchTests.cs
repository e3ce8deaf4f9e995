using System.Text.Json;
using Dapper;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>Full-text search with <c>q</c>: finds phrases and ranks the article that contains them
/// first, refuses malformed queries with a 400 naming q, and is kept in sync by the database.</summary>
public sealed class SearchTests(ArchiveWithManyRows app) : IClassFixture<ArchiveWithManyRows>
{
    [Theory]
    [InlineData("/v1/articles?q=%22Shusha%20Declaration%22", "point-of-no-return-aslan-ismailov")]
    [InlineData("/v1/articles?q=%22bombing%20Voronezh%22", "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky")]
    [InlineData("/v1/articles?q=Kiriyenko", "empire-collapsing-but-not-russia-denysenko")]
    [InlineData("/v1/articles?q=Brzezinski", "putin-aliyev-what-is-this-game")]
    [InlineData("/v1/articles?q=Ozturk", "kremlin-fears-russia-azerbaijan-brink-of-war")] // accent-insensitive: Öztürk
    [InlineData("/v1/stances?q=%22point%20of%20no%20return%22", "ismailov-rift-point-of-no-return")]
    public async Task A_phrase_finds_the_item_that_contains_it_first(string url, string expectedFirst)
    {
        var ids = (await app.GetJsonAsync(url)).Ids().ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(expectedFirst, ids[0]);
    }

    [Fact]
    public async Task Relevance_ranks_the_article_that_is_about_the_term_above_one_that_mentions_it()
    {
        // "diaspora" runs through the Ismailov interview; the 2022 editorial never uses it.
        var ids = (await app.GetJsonAsync("/v1/articles?q=diaspora")).Ids().ToList();
        Assert.DoesNotContain("putin-aliyev-what-is-this-game", ids);
        var byDate = (await app.GetJsonAsync("/v1/articles?q=diaspora&sort=-published")).Ids().ToList();
        Assert.Equal(ids.Order(), byDate.Order());
    }

    [Theory]
    [InlineData("/v1/articles?q=Russia%20OR%20Turkey", 5)]
    [InlineData("/v1/articles?q=Pakistan%20AND%20nuclear", 1)]
    [InlineData("/v1/articles?q=Russia%20NOT%20Pakistan", 4)]
    [InlineData("/v1/articles?q=Yekaterin*", 4)]
    [InlineData("/v1/articles?q=Yekaterinburg&outlet=georgia-today", 1)]
    public async Task Operators_and_prefixes_work(string url, int expected)
    {
        var page = await app.GetJsonAsync(url + "&count=true");
        Assert.Equal(expected, page.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/v1/articles?q=%22unclosed")]
    [InlineData("/v1/articles?q=AND")]
    [InlineData("/v1/articles?q=Russia%20AND")]
    [InlineData("/v1/articles?q=NOT")]
    [InlineData("/v1/articles?q=(Russia")]
    [InlineData("/v1/articles?q=foo:bar")]
    [InlineData("/v1/articles?q=")]
    [InlineData("/v1/articles?q=%20%20")]
    [InlineData("/v1/stances?q=OR%20OR")]
    [InlineData("/v1/articles?q=a&q=b")]
    [InlineData("/v1/articles?q=%22unclosed&format=csv")]
    [InlineData("/v1/topics/baku-moscow-rift-is-permanent/stances?q=%22unclosed&format=ndjson")]
    public async Task A_malformed_query_is_a_400_naming_q(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, "q");
    }

    [Fact]
    public async Task Relevance_without_a_query_is_a_400_naming_sort()
    {
        using var response = await app.CreateClient().GetAsync("/v1/stances?sort=relevance");
        await ProblemAssert.NamesParameterAsync(response, "sort");
    }

    [Fact]
    public async Task Walking_a_search_by_relevance_returns_every_match_once()
    {
        // The generated articles all match "generated" equally: the id breaks the ties.
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await app.GetJsonAsync("/v1/articles?q=generated&limit=9" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            seen.AddRange(page.Ids());
            cursor = page.NullableString("nextCursor");
        } while (cursor is not null);
        await using var connection = await app.OpenAsync();
        // Asked of the provider's own engine, in its own terms (FTS5 or PostgreSQL's full text).
        var dialect = SqlDialect.Of(connection);
        var matching = (await connection.QueryAsync<string>(dialect.FullText(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH @q"), new { q = dialect.SearchValue("generated") })).ToList();
        Assert.True(matching.Count >= ArchiveWithManyRows.ExtraArticles); // stemming also finds "generation"
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(matching.Order(), seen.Order());
    }

    [Fact]
    public async Task The_index_follows_inserts_updates_and_deletes()
    {
        await using var connection = await app.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO articles (id, title, genre, language, excerpt, body)
            VALUES ('search-sync', 'Zyxwvut', 'news', 'en', 'x', 'A body about quokkas.')
            """);
        Assert.Equal(["search-sync"], (await app.GetJsonAsync("/v1/articles?q=quokkas")).Ids());
        Assert.Equal(["search-sync"], (await app.GetJsonAsync("/v1/articles?q=zyxwvut")).Ids());

        await connection.ExecuteAsync("UPDATE articles SET body = 'Now about wombats.' WHERE id = 'search-sync'");
        Assert.Empty((await app.GetJsonAsync("/v1/articles?q=quokkas")).Ids());
        Assert.Equal(["search-sync"], (await app.GetJsonAsync("/v1/articles?q=wombats")).Ids());

        await connection.ExecuteAsync("DELETE FROM articles WHERE id = 'search-sync'");
        Assert.Empty((await app.GetJsonAsync("/v1/articles?q=wombats")).Ids());
        if (SqlDialect.Of(connection).Provider == DatabaseProvider.Sqlite)
            Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1); SELECT 'ok'"));
        else // PostgreSQL's index is a table of its own: one row per article, none left behind.
            Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM articles"), await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM articles_fts"));
    }

    [Fact]
    public async Task Search_finds_a_phrase_ranks_its_article_first_and_highlights_it()
    {
        var hits = (await app.GetJsonAsync("/v1/search?q=%22Shusha%20Declaration%22")).GetProperty("items").EnumerateArray().ToList();
        var first = hits[0];
        Assert.Equal("article", first.GetProperty("kind").GetString());
        Assert.Equal("point-of-no-return-aslan-ismailov", first.GetProperty("id").GetString());
        Assert.Equal("/v1/articles/point-of-no-return-aslan-ismailov", first.GetProperty("href").GetString());
        Assert.Contains("<mark>Shusha Declaration</mark>", first.GetProperty("snippet").GetString());
        Assert.True(first.GetProperty("rank").GetDouble() < 0);
    }

    [Fact]
    public async Task Search_finds_stance_quotes_and_can_keep_to_one_kind()
    {
        var hits = (await app.GetJsonAsync("/v1/search?q=%22point%20of%20no%20return%22&kind=stance")).GetProperty("items").EnumerateArray().ToList();
        var stance = Assert.Single(hits);
        Assert.Equal("ismailov-rift-point-of-no-return", stance.GetProperty("id").GetString());
        Assert.Equal("point-of-no-return-aslan-ismailov", stance.GetProperty("article").GetProperty("id").GetString());
        Assert.Contains("<mark>point of no return</mark>", stance.GetProperty("snippet").GetString());

        var both = (await app.GetJsonAsync("/v1/search?q=%22point%20of%20no%20return%22")).GetProperty("items").EnumerateArray()
            .Select(h => h.GetProperty("kind").GetString()).ToHashSet();
        Assert.Equal(["article", "stance"], both.Order());
    }

    [Fact]
    public async Task Search_ranks_are_in_order_and_every_hit_comes_once_across_pages()
    {
        var hits = new List<(string Key, double Rank)>();
        string? cursor = null;
        do
        {
            var page = await app.GetJsonAsync("/v1/search?q=generated%20OR%20Russia&limit=11" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            hits.AddRange(page.GetProperty("items").EnumerateArray().Select(h => (h.GetProperty("kind").GetString() + ":" + h.GetProperty("id").GetString(), h.GetProperty("rank").GetDouble())));
            cursor = page.NullableString("nextCursor");
        } while (cursor is not null);

        await using var connection = await app.OpenAsync();
        var dialect = SqlDialect.Of(connection);
        var expected = await connection.ExecuteScalarAsync<long>(dialect.FullText("""
            SELECT (SELECT count(*) FROM articles_fts WHERE articles_fts MATCH @q)
                 + (SELECT count(*) FROM stances_fts WHERE stances_fts MATCH @q)
            """), new { q = dialect.SearchValue("generated OR Russia") });
        Assert.Equal(expected, hits.Count);
        Assert.Equal(hits.Count, hits.Select(h => h.Key).Distinct().Count());
        Assert.Equal(hits.Select(h => h.Rank).Order(), hits.Select(h => h.Rank));
    }

    /// <summary>A search for no words finds nothing: an empty page (a client walking every collection gets a 200),
    /// with its count and facets when asked, and an empty export.</summary>
    [Fact]
    public async Task Search_without_q_is_an_empty_page()
    {
        var page = await app.GetJsonAsync("/v1/search?count=true&facet=kind&limit=5");
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        Assert.Equal(0, page.GetProperty("total").GetInt64());
        Assert.Empty(page.GetProperty("facets").GetProperty("kind").EnumerateArray());
        Assert.Equal(0, page.GetProperty("facetOther").GetProperty("kind").GetProperty("values").GetInt64());
        Assert.Equal(0, page.GetProperty("facetOther").GetProperty("kind").GetProperty("count").GetInt64());
        using var csv = await app.CreateClient().GetAsync("/v1/search?format=csv");
        Assert.Equal(200, (int)csv.StatusCode);
        Assert.Equal("kind,id,title,href,rank,snippet,article_id,article_title", (await csv.Content.ReadAsStringAsync()).TrimEnd());
        using var bad = await app.CreateClient().GetAsync("/v1/search?limit=0&colour=red");
        await ProblemAssert.NamesParameterAsync(bad, "limit");
    }

    [Theory]
    [InlineData("/v1/search?q=%22unclosed")]
    [InlineData("/v1/search?q=AND")]
    [InlineData("/v1/search?q=title:russia")] // a column of one index only
    [InlineData("/v1/search?q=russia&q=turkey")]
    public async Task Search_without_a_valid_query_is_a_400_naming_q(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, "q");
    }
}
