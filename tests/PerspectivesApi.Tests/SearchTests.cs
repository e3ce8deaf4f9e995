using Dapper;

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
        var matching = (await connection.QueryAsync<string>(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH 'generated'")).ToList();
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
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1); SELECT 'ok'"));
    }
}
