using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using PerspectivesApi.Http;

namespace PerspectivesApi.Tests.Explorer;

/// <summary>The explorer's pages, read through HTTP and parsed as HTML: each shows what the API's JSON for the
/// same resource says, every link on it leads somewhere, paging walks every item once, and what cannot be
/// shown is a page (404, 400) rather than a problem document.</summary>
public sealed class ExplorerPageTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private readonly HttpClient client = app.CreateClient();

    private async Task<List<JsonElement>> ItemsAsync(string url) =>
        (await app.GetJsonAsync(url)).GetProperty("items").EnumerateArray().ToList();

    private async Task<List<string>> TopicIdsAsync() => (await ItemsAsync("/v1/topics?limit=100")).Select(t => t.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task The_home_page_lists_every_topic_with_its_positions_the_latest_articles_and_where_the_API_is()
    {
        var page = await client.GetPageAsync("/");
        var topics = await ItemsAsync("/v1/topics");
        var listed = page.QuerySelectorAll("ul.topics > li").ToList();
        Assert.Equal(topics.Select(t => t.GetProperty("title").GetString()), listed.Select(li => li.QuerySelector("a.title")!.TextContent));
        foreach (var (topic, item) in topics.Zip(listed))
        {
            var positions = (await app.GetJsonAsync($"/v1/topics/{topic.GetProperty("id").GetString()}/summary")).GetProperty("positions");
            var counts = item.QuerySelector(".counts")!.TextContent;
            Assert.StartsWith($"{positions.GetProperty("total").GetInt64()} stance", counts);
            foreach (var position in new[] { "supports", "mixed", "neutral", "opposes" })
                Assert.Equal($"{positions.GetProperty(position).GetInt64()} {position}", item.QuerySelector($".counts .pos-{position}")!.TextContent);
        }

        var latest = await ItemsAsync("/v1/articles?limit=10");
        Assert.Equal(latest.Select(a => $"/articles/{a.GetProperty("id").GetString()}"),
            page.QuerySelectorAll("ul.articles a.title").Select(a => a.GetAttribute("href")));
        foreach (var href in new[] { "/swagger", "/swagger/v1/swagger.json", "/v1/export/archive.sqlite", "/v1/stances?format=csv" })
            Assert.Contains(href, page.QuerySelectorAll("main a").Select(a => a.GetAttribute("href")));
        Assert.Equal("/search", page.QuerySelector("main form[role=search]")!.GetAttribute("action"));
    }

    [Fact]
    public async Task Every_topic_page_shows_each_of_its_stances_in_its_positions_column_with_its_quote_voice_and_link_into_the_article()
    {
        foreach (var id in await TopicIdsAsync())
        {
            var page = await client.GetPageAsync($"/topics/{id}?limit=100");
            var topic = await app.GetJsonAsync($"/v1/topics/{id}");
            Assert.Equal(topic.GetProperty("title").GetString(), page.QuerySelector("h1")!.TextContent);
            Assert.Contains(topic.GetProperty("proposition").GetString()!, page.QuerySelector(".proposition")!.TextContent);

            // The JSON the page says it was made from is the API's list of the topic's stances, in the page's order.
            var json = page.DataLink("this page of stances");
            Assert.Equal($"/v1/topics/{id}/stances?limit=100&sort=-held", json);
            var stances = await ItemsAsync(json);
            Assert.Equal(topic.GetProperty("stanceCount").GetInt64(), stances.Count);
            // Each column holds its position's stances, in the list's order.
            foreach (var position in new[] { "supports", "mixed", "neutral", "opposes" })
                Assert.Equal(stances.Where(s => s.GetProperty("position").GetString() == position).Select(s => s.GetProperty("id").GetString()),
                    page.QuerySelector($"#position-{position}")!.StanceIds());
            Assert.Equal(stances.Count, page.StanceIds().Count);

            foreach (var stance in stances)
            {
                var stanceId = stance.GetProperty("id").GetString()!;
                var article = stance.GetProperty("article").GetProperty("id").GetString()!;
                var position = stance.GetProperty("position").GetString()!;
                var card = page.QuerySelectorAll($"#position-{position} article.stance")
                    .Single(c => c.QuerySelector($"a[href='/articles/{article}#quote-{stanceId}']") is not null);
                Assert.Equal(stance.GetProperty("quote").GetProperty("text").GetString(), card.QuerySelector("blockquote")!.TextContent);
                Assert.Equal(stance.GetProperty("summary").GetString(), card.QuerySelector(".summary")!.TextContent);
                Assert.Contains(card.ClassList, c => c == $"pos-{position}");
                var voice = stance.GetProperty("author");
                var voiceLink = card.QuerySelector("h3 a")!;
                Assert.Equal(voice.GetProperty("name").GetString(), voiceLink.TextContent);
                Assert.Equal($"/authors/{voice.GetProperty("id").GetString()}", voiceLink.GetAttribute("href"));
                Assert.Equal(voice.GetProperty("kind").GetString() == "editorial" ? "editorial voice" : voice.GetProperty("kind").GetString(),
                    card.QuerySelector(".kind")!.TextContent);
                var held = stance.GetProperty("heldAt");
                Assert.Equal(held.GetProperty("date").GetString(), card.QuerySelector("dd time")!.GetAttribute("datetime")); // the seed dates every stance
                if (stance.GetProperty("article").GetProperty("outlet") is { ValueKind: JsonValueKind.Object } outlet)
                    Assert.NotNull(card.QuerySelector($"a[href='/outlets/{outlet.GetProperty("id").GetString()}']"));
                if (stance.GetProperty("attribution").GetProperty("via") is { ValueKind: JsonValueKind.Object } via)
                    Assert.NotNull(card.QuerySelector($"dd a[href='/authors/{via.GetProperty("id").GetString()}']"));
            }
        }
    }

    [Fact]
    public async Task A_topics_timeline_draws_its_summarys_counts_by_the_time_positions_were_held()
    {
        foreach (var id in await TopicIdsAsync())
        {
            var page = await client.GetPageAsync($"/topics/{id}");
            var summary = await app.GetJsonAsync($"/v1/topics/{id}/summary");
            var table = page.QuerySelector("figure.timeline table")!;
            var byMonth = table.QuerySelector("thead th")!.TextContent == "Month";
            var groups = summary.GetProperty(byMonth ? "byHeldMonth" : "byHeldYear").EnumerateArray()
                .Where(g => g.GetProperty(byMonth ? "month" : "year").ValueKind != JsonValueKind.Null).ToList();
            var rows = table.QuerySelectorAll("tbody tr").ToList();
            Assert.Equal(groups.Count, rows.Count);
            foreach (var (group, row) in groups.Zip(rows))
            {
                var cells = row.QuerySelectorAll("td").Select(td => long.Parse(td.TextContent)).ToList();
                var positions = group.GetProperty("positions");
                Assert.Equal(new[] { "supports", "mixed", "neutral", "opposes", "total" }.Select(p => positions.GetProperty(p).GetInt64()), cells);
            }
            // The bars: one rectangle per position and period with stances, stacked from the baseline.
            var drawn = page.QuerySelectorAll("figure.timeline svg g.period rect").ToList();
            Assert.Equal(groups.Sum(g => new[] { "supports", "mixed", "neutral", "opposes" }.Count(p => g.GetProperty("positions").GetProperty(p).GetInt64() > 0)), drawn.Count);
            Assert.All(drawn, rect => Assert.True(double.Parse(rect.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture) > 0));
        }
    }

    [Fact]
    public async Task Every_filter_link_of_a_topic_narrows_its_stances_as_the_API_does()
    {
        foreach (var id in new[] { "russia-losing-south-caucasus", "aliyev-course-independent-of-moscow" })
        {
            var page = await client.GetPageAsync($"/topics/{id}");
            var links = page.QuerySelectorAll("nav.filters a").Select(a => a.GetAttribute("href")!).ToList();
            Assert.Contains(links, l => l.Contains("outlet=")); Assert.Contains(links, l => l.Contains("author=")); Assert.Contains(links, l => l.Contains("heldFrom="));
            foreach (var link in links)
            {
                var filtered = await client.GetPageAsync(link);
                var json = filtered.DataLink("this page of stances");
                // The page's JSON is the API's list with the page's filters, in the page's order (latest held first).
                Assert.Equal(Parameters(link).Append("sort=-held").Order(), Parameters(json).Order());
                var stances = await ItemsAsync(json);
                Assert.Equal(stances.Select(s => s.GetProperty("id").GetString()).Order(), filtered.StanceIds().Order());
                // The link chosen is the one marked current; filters of other kinds stay as they were ("all").
                Assert.Contains(link, filtered.QuerySelectorAll("nav.filters a[aria-current=true]").Select(a => a.GetAttribute("href")));
                if (link.Contains("outlet="))
                    Assert.All(stances, s => Assert.Equal(link.Split("outlet=")[1].Split('&')[0], s.GetProperty("article").GetProperty("outlet").GetProperty("id").GetString()));
            }
        }
    }

    private static IEnumerable<string> Parameters(string url) =>
        url.Contains('?') ? url[(url.IndexOf('?') + 1)..].Split('&') : [];

    [Fact]
    public async Task Every_article_page_shows_its_metadata_its_whole_text_and_each_stances_quote_marked_and_linked()
    {
        foreach (var summary in await ItemsAsync("/v1/articles?limit=100"))
        {
            var id = summary.GetProperty("id").GetString()!;
            var article = await app.GetJsonAsync($"/v1/articles/{id}");
            var page = await client.GetPageAsync($"/articles/{id}");
            Assert.Equal(article.GetProperty("title").GetString(), page.QuerySelector("h1")!.TextContent);
            var metadata = page.QuerySelector("dl.metadata")!;
            var published = article.GetProperty("published");
            Assert.Equal(published.GetProperty("date").GetString(), metadata.QuerySelector("time")!.GetAttribute("datetime"));
            if (published.GetProperty("reasoning").GetString() is { } reasoning) Assert.Contains(reasoning, metadata.TextContent);
            foreach (var credit in article.GetProperty("credits").EnumerateArray())
                Assert.NotNull(metadata.QuerySelector($"a[href='/authors/{credit.GetProperty("author").GetProperty("id").GetString()}']"));
            if (article.GetProperty("provenance") is { ValueKind: JsonValueKind.Object } provenance)
                Assert.Equal(provenance.GetProperty("sha256").GetString(), metadata.QuerySelector("code.hash")!.TextContent);
            if (article.GetProperty("republishedFrom") is { ValueKind: JsonValueKind.Object } origin && origin.GetProperty("outlet") is { ValueKind: JsonValueKind.Object } first)
                Assert.NotNull(metadata.QuerySelector($"a[href='/outlets/{first.GetProperty("id").GetString()}']"));

            // The text, paragraph by paragraph, is the body as archived.
            var paragraphs = page.QuerySelectorAll("section.body > p:not(.hint)").Select(p => p.TextWithoutReferences());
            Assert.Equal(article.GetProperty("body").GetString(), string.Join("\n\n", paragraphs));

            var stances = article.GetProperty("stances").EnumerateArray().ToList();
            Assert.Equal(stances.Count, page.QuerySelectorAll("section.stance-list article.stance").Length);
            foreach (var stance in stances)
            {
                var stanceId = stance.GetProperty("id").GetString()!;
                var quote = stance.GetProperty("quote").GetProperty("text").GetString()!;
                // Its quote is marked where it stands (in parts, when it overlaps another without nesting in it) ...
                var anchor = page.GetElementById($"quote-{stanceId}");
                Assert.NotNull(anchor);
                Assert.Equal("MARK", anchor.TagName);
                var parts = page.QuerySelectorAll($"mark[data-stance='{stanceId}']").ToList();
                Assert.Same(anchor, parts[0]);
                Assert.Equal(quote.Replace("\n\n", ""), string.Concat(parts.Select(p => p.TextWithoutReferences())));
                // ... its mark links to its card, and the card, with the same quote, links back to the mark.
                var reference = parts[^1].QuerySelectorAll("a.ref").Last();
                Assert.Equal($"#stance-{stanceId}", reference.GetAttribute("href"));
                var card = page.GetElementById($"stance-{stanceId}")!;
                Assert.Equal(quote, card.QuerySelector("blockquote")!.TextContent);
                Assert.NotNull(card.QuerySelector($"a[href='#quote-{stanceId}']"));
                Assert.Equal(stance.GetProperty("topic").GetProperty("title").GetString(), card.QuerySelector(".topic a")!.TextContent);
            }
        }
    }

    [Fact]
    public async Task A_voices_page_and_an_outlets_page_list_what_the_API_lists()
    {
        foreach (var author in await ItemsAsync("/v1/authors?limit=100"))
        {
            var id = author.GetProperty("id").GetString()!;
            var page = await client.GetPageAsync($"/authors/{id}?limit=100");
            Assert.Equal(author.GetProperty("name").GetString(), page.QuerySelector("h1")!.TextContent);
            var stances = await ItemsAsync($"/v1/authors/{id}/stances?limit=100&sort=-held");
            Assert.Equal(page.DataLink("this page of stances"), $"/v1/authors/{id}/stances?limit=100&sort=-held");
            Assert.Equal(stances.Select(s => s.GetProperty("id").GetString()), page.StanceIds());
            foreach (var (stance, card) in stances.Zip(page.QuerySelectorAll("article.stance")))
                Assert.Equal(stance.GetProperty("topic").GetProperty("title").GetString(), card.QuerySelector(".topic a")!.TextContent);
        }
        foreach (var outlet in await ItemsAsync("/v1/outlets?limit=100"))
        {
            var id = outlet.GetProperty("id").GetString()!;
            var page = await client.GetPageAsync($"/outlets/{id}");
            Assert.Equal(outlet.GetProperty("name").GetString(), page.QuerySelector("h1")!.TextContent);
            var articles = await ItemsAsync($"/v1/outlets/{id}/articles");
            Assert.Equal(articles.Select(a => $"/articles/{a.GetProperty("id").GetString()}"), page.QuerySelectorAll("ul.articles a.title").Select(a => a.GetAttribute("href")));
        }
    }

    [Theory]
    [InlineData("\"point of no return\"")]
    [InlineData("diaspora")]
    [InlineData("Russia OR Kremlin")]
    public async Task The_search_page_shows_the_APIs_results_with_only_the_matched_terms_marked(string q)
    {
        var page = await client.GetPageAsync($"/search?q={Uri.EscapeDataString(q)}&limit=50");
        var hits = await ItemsAsync($"/v1/search?q={Uri.EscapeDataString(q)}&limit=50");
        Assert.NotEmpty(hits);
        var results = page.QuerySelectorAll("ol.results > li").ToList();
        Assert.Equal(hits.Count, results.Count);
        foreach (var (hit, result) in hits.Zip(results))
        {
            var id = hit.GetProperty("id").GetString()!;
            var article = hit.GetProperty("article").GetProperty("id").GetString()!;
            Assert.Equal(hit.GetProperty("kind").GetString() == "stance" ? $"/articles/{article}#quote-{id}" : $"/articles/{id}",
                result.QuerySelector("a.title")!.GetAttribute("href"));
            Assert.Equal(hit.GetProperty("title").GetString(), result.QuerySelector("a.title")!.TextContent);
            // The snippet, its marks written back as the API writes them, is the API's snippet.
            var snippet = string.Concat(result.QuerySelector(".snippet")!.ChildNodes.Select(node =>
                node is IElement { TagName: "MARK" } mark ? $"<mark>{mark.TextContent}</mark>" : node.TextContent));
            Assert.Equal(hit.GetProperty("snippet").GetString(), snippet);
        }
        Assert.Equal($"/v1/search?q={Uri.EscapeDataString(q)}&limit=50", page.DataLink("these results"));
    }

    public static TheoryData<string, string> Listings => new()
    {
        // A page's path (with a small limit, so that there are many pages), and the API list of every item it pages through.
        { "/topics/russia-losing-south-caucasus?limit=2", "/v1/topics/russia-losing-south-caucasus/stances?sort=-held&limit=100" },
        { "/topics/aliyev-course-independent-of-moscow?limit=2&heldFrom=2025-01-01&heldTo=2025-12-31", "/v1/topics/aliyev-course-independent-of-moscow/stances?sort=-held&heldFrom=2025-01-01&heldTo=2025-12-31&limit=100" },
        { "/authors/aslan-ismailov?limit=4", "/v1/authors/aslan-ismailov/stances?sort=-held&limit=100" },
        { "/topics?limit=3", "/v1/topics?limit=100" },
        { "/search?q=Russia&limit=4", "/v1/search?q=Russia&limit=100" },
    };

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task Following_next_page_links_walks_every_item_once(string start, string api)
    {
        var expected = (await ItemsAsync(api)).Select(i => i.GetProperty("id").GetString()!).ToList();
        Assert.True(expected.Count > 1, $"{api} has too few items to page through");
        var seen = new List<string>();
        var pages = 0;
        for (string? url = start; url is not null; pages++)
        {
            var page = await client.GetPageAsync(url);
            seen.AddRange(ItemIds(page));
            url = page.QuerySelector("nav.pager a[rel=next]")?.GetAttribute("href");
            if (url is not null) Assert.Equal(start.Split('?')[0], url.Split('?')[0]);
            if (pages > 0) Assert.NotNull(page.QuerySelector("nav.pager a[rel=first]"));
            Assert.True(pages < 100, "the pages never end");
        }
        // Every item once; a topic's page groups its items in columns by position, the others keep the list's order.
        Assert.Equal(seen.Count, seen.Distinct().Count());
        if (start.StartsWith("/topics/")) Assert.Equal(expected.Order(), seen.Order());
        else Assert.Equal(expected, seen);
        Assert.True(pages > 1);
    }

    private static IEnumerable<string> ItemIds(IDocument page)
    {
        if (page.QuerySelector("article.stance") is not null) return page.StanceIds();
        if (page.QuerySelector("ol.results") is not null)
            return page.QuerySelectorAll("ol.results a.title").Select(a => a.GetAttribute("href")!).Select(h => h.Contains('#') ? h[(h.IndexOf("#quote-") + 7)..] : h["/articles/".Length..]);
        var links = page.QuerySelectorAll("ul.topics a.title, ul.articles a.title").Select(a => a.GetAttribute("href")!);
        return links.Select(h => h[(h.LastIndexOf('/') + 1)..]);
    }

    [Fact]
    public async Task Every_link_on_every_kind_of_page_leads_somewhere()
    {
        var pages = new List<string> { "/", "/topics", "/search?q=diaspora", "/search" };
        pages.AddRange((await TopicIdsAsync()).Select(id => $"/topics/{id}"));
        pages.AddRange((await ItemsAsync("/v1/articles?limit=100")).Select(a => $"/articles/{a.GetProperty("id").GetString()}"));
        pages.AddRange((await ItemsAsync("/v1/authors?limit=100")).Select(a => $"/authors/{a.GetProperty("id").GetString()}"));
        pages.AddRange((await ItemsAsync("/v1/outlets?limit=100")).Select(o => $"/outlets/{o.GetProperty("id").GetString()}"));

        var documents = new Dictionary<string, IDocument>();
        async Task<IDocument> PageAsync(string url) => documents.TryGetValue(url, out var known) ? known : documents[url] = await client.GetPageAsync(url);
        var checkedUrls = new HashSet<string>();
        var links = 0;
        foreach (var url in pages)
        {
            var page = await PageAsync(url);
            foreach (var href in page.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!))
            {
                links++;
                if (href.StartsWith("https://", StringComparison.Ordinal) || href.StartsWith("http://", StringComparison.Ordinal)) continue; // a source's own site
                Assert.True(href.StartsWith('/') || href.StartsWith('#'), $"{url} links to {href}, neither in the archive nor a web address");
                var target = href.StartsWith('#') ? url + href : href;
                var (path, fragment) = target.Contains('#') ? (target[..target.IndexOf('#')], target[(target.IndexOf('#') + 1)..]) : (target, null);
                if (fragment is not null)
                    Assert.True((await PageAsync(path)).GetElementById(fragment) is not null, $"{url} links to {href}, which has no element #{fragment}");
                else if (checkedUrls.Add(path))
                {
                    using var request = new HttpRequestMessage(HttpMethod.Head, path);
                    using var response = await client.SendAsync(request);
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} links to {href}, which answers {(int)response.StatusCode}");
                }
            }
        }
        Assert.True(checkedUrls.Count > 200, $"only {checkedUrls.Count} distinct links were followed");
        Assert.True(links > 1000);
    }

    [Theory]
    [InlineData("/topics/no-such-topic", "No such topic")]
    [InlineData("/articles/no-such-article", "No such article")]
    [InlineData("/authors/no-such-voice", "No such author")]
    [InlineData("/outlets/no-such-outlet", "No such outlet")]
    [InlineData("/no/such/page", "No such page")]
    [InlineData("/topics/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "No such topic")]
    public async Task An_unknown_id_or_path_is_a_404_page_not_a_problem_document(string url, string heading)
    {
        var page = await client.GetPageAsync(url, 404);
        Assert.Equal(heading, page.QuerySelector("h1")!.TextContent);
        Assert.Empty(page.QuerySelectorAll("script"));
        Assert.NotNull(page.QuerySelector("a[href='/']"));
        // The API's answers stay problems.
        using var api = await client.GetAsync("/v1/topics/no-such-topic");
        await ProblemAssert.IsProblemAsync(api, 404);
        using var route = await client.GetAsync("/v1/no-such-collection");
        await ProblemAssert.IsProblemAsync(route, 404);
        using var version = await client.GetAsync("/v2/topics"); // a version of the API this build does not have
        await ProblemAssert.IsProblemAsync(version, 404);
    }

    [Theory]
    [InlineData("/topics/russia-losing-south-caucasus?limit=abc", "limit")]
    [InlineData("/topics/russia-losing-south-caucasus?cursor=forged", "cursor")]
    [InlineData("/topics/russia-losing-south-caucasus?format=csv", "format")]
    [InlineData("/topics/russia-losing-south-caucasus?facet=outlet", "facet")]
    [InlineData("/topics/russia-losing-south-caucasus?heldFrom=yesterday", "heldFrom")]
    [InlineData("/articles/point-of-no-return-aslan-ismailov?highlight=1", "highlight")]
    [InlineData("/search?q=%22unclosed", "q")]
    [InlineData("/?utm_source=x", "utm_source")]
    public async Task A_bad_parameter_is_a_400_page_naming_it(string url, string parameter)
    {
        var page = await client.GetPageAsync(url, 400);
        Assert.Contains(page.QuerySelectorAll("ul.errors li code"), code => code.TextContent == parameter);
    }

    [Fact]
    public async Task The_empty_search_box_is_the_search_page_ready_for_a_search()
    {
        foreach (var url in new[] { "/search", "/search?q=", "/search?q=%20%20" })
        {
            var page = await client.GetPageAsync(url);
            Assert.NotNull(page.QuerySelector("main form[role=search] input[name=q]"));
            Assert.Empty(page.QuerySelectorAll("ol.results li"));
        }
    }

    public static TheoryData<string> Pages =>
    [
        "/", "/topics", "/topics/russia-losing-south-caucasus", "/articles/point-of-no-return-aslan-ismailov", "/authors/aslan-ismailov",
        "/outlets/georgia-today", "/search?q=diaspora", "/topics/no-such-topic", "/topics?limit=0",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Pages_send_their_strict_policy_and_hold_no_script_no_inline_style_and_no_event_handler(string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(SecurityHeaders.PageSecurityPolicy, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(", ", response.Headers.GetValues("X-Content-Type-Options")));
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Empty(page.QuerySelectorAll("script, style, iframe, object, embed"));
        var elements = page.QuerySelectorAll("*").ToList();
        Assert.DoesNotContain(elements, e => e.HasAttribute("style"));
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.Ordinal)));
        // What a page loads is its own: the stylesheet and the icon, from the archive.
        Assert.Equal(["/explorer.css"], page.QuerySelectorAll("link[rel=stylesheet]").Select(l => l.GetAttribute("href")));
        Assert.All(page.QuerySelectorAll("[src]"), e => Assert.StartsWith("/", e.GetAttribute("src")));
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.False(response.Headers.Contains("blazor-enhanced-nav"));
    }

    [Fact]
    public async Task The_stylesheet_and_icon_are_served_from_the_assembly_and_revalidated()
    {
        foreach (var (url, type) in new[] { ("/explorer.css", "text/css"), ("/favicon.svg", "image/svg+xml") })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
            using var again = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { IfNoneMatch = { response.Headers.ETag! } } };
            using var notModified = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }
    }

    [Fact]
    public async Task Pages_are_compressed_answer_HEAD_as_GET_and_are_kept_by_the_response_cache_until_the_archive_changes()
    {
        const string Url = "/topics/baku-moscow-rift-is-permanent";
        using var compressed = new HttpRequestMessage(HttpMethod.Get, Url) { Headers = { { "Accept-Encoding", "br" } } };
        using var brotli = await client.SendAsync(compressed);
        Assert.Equal("br", Assert.Single(brotli.Content.Headers.ContentEncoding));

        using var get = await client.GetAsync(Url);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Headers.GetValues("Content-Security-Policy"), head.Headers.GetValues("Content-Security-Policy"));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal("no-cache", get.Headers.CacheControl?.ToString());

        using var kept = await client.GetAsync(Url);
        Assert.NotNull(kept.Headers.Age);
        Assert.Equal(await get.Content.ReadAsStringAsync(), await kept.Content.ReadAsStringAsync());
    }
}
