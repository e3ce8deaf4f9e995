using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Tests.Explorer;

/// <summary>What curators write is shown as text: titles, names, bodies, quotes and summaries with markup in
/// them, written through the write API, come out escaped on every page, and a search snippet marks only the
/// terms that matched, never a "&lt;mark&gt;" the text itself holds.</summary>
public sealed class ExplorerEscapingTests(ExplorerEscapingTests.CuratedArchive app) : IClassFixture<ExplorerEscapingTests.CuratedArchive>
{
    private const string TopicTitle = "<script>alert(\"topic\")</script> Is <b>this</b> bold?";
    private const string Proposition = "<img src=x onerror=alert(1)> holds & \"quotes\" stay.";
    private const string OutletName = "<script>alert('outlet')</script> Weekly";
    private const string Quote = "<script>alert(1)</script> about wombats";
    private const string Summary = "<b>Bold</b> & <a href=\"javascript:alert(1)\">a link</a>.";

    private static string ArticleTitle(int n) => $"<script>alert('article')</script> Wombats & <i>friends</i> {n}";

    private static string Body(int n) =>
        $"Piece {n} says <mark>not a match</mark> and {Quote}.\n\nA second paragraph on wombats & <em>emphasis</em>, <style>body{{display:none}}</style>.";

    private readonly HttpClient reader = app.CreateClient();

    /// <summary>The seed corpus, and an outlet, a topic, three articles and a stance written with markup in them.</summary>
    public sealed class CuratedArchive : ArchiveApp, IAsyncLifetime
    {
        public async Task InitializeAsync()
        {
            var (_, secret) = await Services.GetRequiredService<ApiKeys>().CreateAsync("escaping-" + Guid.NewGuid().ToString("N")[..8]);
            var curator = CreateClient();
            curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            async Task PostAsync(string collection, object document)
            {
                using var response = await curator.PostAsync(collection, new StringContent(JsonSerializer.Serialize(document), Encoding.UTF8, "application/json"));
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {collection}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            await PostAsync("/v1/outlets", new { id = "script-weekly", name = OutletName, kind = "newspaper" });
            await PostAsync("/v1/topics", new { id = "script-topic", title = TopicTitle, proposition = Proposition, timeDependent = false });
            foreach (var n in new[] { 1, 2, 3 })
                await PostAsync("/v1/articles", new
                {
                    id = $"script-article-{n}", title = ArticleTitle(n), genre = "news", language = "en", outlet = "script-weekly", body = Body(n),
                    published = new { date = $"2025-07-0{n}", precision = "day", inferred = false, reasoning = "<u>stated</u>" },
                    credits = new[] { new { author = "vadym-denysenko", role = "author" } },
                });
            await PostAsync("/v1/stances", new
            {
                id = "script-stance", topic = "script-topic", article = "script-article-1", author = "vadym-denysenko", position = "supports", quote = Quote, summary = Summary,
            });
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    private static void AssertNoMarkupFromTheArchive(AngleSharp.Dom.IDocument page)
    {
        Assert.Empty(page.QuerySelectorAll("script, style, img, b, i, em, u, main a[href^='javascript']"));
    }

    [Fact]
    public async Task A_curator_written_title_with_a_script_in_it_is_shown_as_text_on_its_topic_page()
    {
        var page = await reader.GetPageAsync("/topics/script-topic");
        Assert.Equal(TopicTitle, page.QuerySelector("h1")!.TextContent);
        Assert.Equal(TopicTitle + " · Perspectives Archive", page.Title);
        Assert.Contains(Proposition, page.QuerySelector(".proposition")!.TextContent);
        var card = page.QuerySelector("#position-supports article.stance")!;
        Assert.Equal(Quote, card.QuerySelector("blockquote")!.TextContent);
        Assert.Equal(Summary, card.QuerySelector(".summary")!.TextContent);
        Assert.Contains(OutletName, card.TextContent);
        Assert.Contains(ArticleTitle(1), card.TextContent);
        AssertNoMarkupFromTheArchive(page);

        var home = await reader.GetPageAsync("/");
        Assert.Contains(TopicTitle, home.QuerySelectorAll("ul.topics a.title").Select(a => a.TextContent));
        AssertNoMarkupFromTheArchive(home);
    }

    [Fact]
    public async Task An_articles_text_is_shown_as_written_with_only_its_stances_quotes_marked()
    {
        var page = await reader.GetPageAsync("/articles/script-article-1");
        Assert.Equal(ArticleTitle(1), page.QuerySelector("h1")!.TextContent);
        Assert.Contains("<u>stated</u>", page.QuerySelector("dl.metadata")!.TextContent);
        Assert.Equal(Body(1), string.Join("\n\n", page.QuerySelectorAll("section.body > p:not(.hint)").Select(p => p.TextWithoutReferences())));
        var mark = Assert.Single(page.QuerySelectorAll("section.body mark"));
        Assert.Equal("script-stance", mark.GetAttribute("data-stance"));
        Assert.Equal(Quote, mark.TextWithoutReferences());
        AssertNoMarkupFromTheArchive(page);

        var outlet = await reader.GetPageAsync("/outlets/script-weekly");
        Assert.Equal(OutletName, outlet.QuerySelector("h1")!.TextContent);
        AssertNoMarkupFromTheArchive(outlet);
    }

    [Fact]
    public async Task A_search_snippet_marks_the_matched_terms_and_not_a_mark_the_text_itself_holds()
    {
        var page = await reader.GetPageAsync("/search?q=wombats&kind=article");
        var snippets = page.QuerySelectorAll("ol.results .snippet").ToList();
        Assert.Equal(3, snippets.Count);
        foreach (var snippet in snippets)
        {
            Assert.All(snippet.QuerySelectorAll("mark"), m => Assert.Equal("wombats", m.TextContent, ignoreCase: true));
            Assert.Equal(2, snippet.QuerySelectorAll("mark").Length);
            Assert.Contains("<mark>not a match</mark>", snippet.TextContent);
        }
        AssertNoMarkupFromTheArchive(page);
        // The API's snippet writes its marks into the text as tags, where the text's own "<mark>" reads the same.
        var hit = (await app.GetJsonAsync("/v1/search?q=wombats&kind=article")).GetProperty("items")[0].GetProperty("snippet").GetString()!;
        Assert.Equal(3, hit.Split("<mark>").Length - 1);
    }

    [Fact]
    public async Task An_outlets_articles_page_through_every_article_once()
    {
        var expected = (await app.GetJsonAsync("/v1/outlets/script-weekly/articles")).GetProperty("items").EnumerateArray().Select(a => "/articles/" + a.GetProperty("id").GetString()).ToList();
        Assert.Equal(["/articles/script-article-3", "/articles/script-article-2", "/articles/script-article-1"], expected);
        var seen = new List<string>();
        for (string? url = "/outlets/script-weekly?limit=1"; url is not null;)
        {
            var page = await reader.GetPageAsync(url);
            seen.AddRange(page.QuerySelectorAll("ul.articles a.title").Select(a => a.GetAttribute("href")!));
            url = page.QuerySelector("nav.pager a[rel=next]")?.GetAttribute("href");
        }
        Assert.Equal(expected, seen);
    }
}
