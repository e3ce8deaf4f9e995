using Microsoft.Playwright;
using PerspectivesApi.Tests.Browser;

namespace PerspectivesApi.Tests.Explorer;

/// <summary>The explorer in a real browser (Debian's Chromium, headless, driven by Playwright) against the
/// service's own binary on Kestrel: a reader goes from the home page to a question, follows a quote into
/// its article, finds it marked there, and searches. Nothing is logged as an error (a violation of the
/// pages' Content-Security-Policy would be), axe-core finds no serious or critical accessibility problem,
/// and each page is saved under TestResults/browser/.</summary>
public sealed class ExplorerBrowserTests(Chromium chromium, ExplorerBrowserTests.Service service)
    : IClassFixture<Chromium>, IClassFixture<ExplorerBrowserTests.Service>
{
    /// <summary>The service's binary on Kestrel, over a new seeded archive.</summary>
    public sealed class Service : IAsyncLifetime
    {
        public RealServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await RealServer.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private const string Topic = "Is the 2025 Baku–Moscow rift permanent?";

    /// <summary>The background of the quote a link leads to (explorer.css, mark.quote:target).</summary>
    private const string TargetBackground = "rgb(255, 212, 59)";

    /// <summary>How a step waits for the page a link or a form led to: until the network is idle (page, stylesheet and
    /// icon in), for up to a minute. In two full CI runs, with every other test class loading both cores, waiting for
    /// the load event after the address had changed timed out at 30 s although Playwright had seen the network go idle.</summary>
    private static readonly PageWaitForURLOptions Arrived = new() { WaitUntil = WaitUntilState.NetworkIdle, Timeout = 60_000 };

    private string Url(string path) => new Uri(service.Server.BaseAddress, path).ToString();

    [Fact]
    public async Task A_reader_goes_from_the_home_page_to_a_question_follows_a_quote_into_its_article_and_searches()
    {
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        var problems = new List<string>();
        async Task LookAtAsync(string name)
        {
            var screenshot = await browser.ScreenshotAsync(name);
            var violations = await Axe.RunAsync(page);
            // Every finding, minor ones included, beside the screenshot.
            await File.WriteAllLinesAsync(Path.ChangeExtension(screenshot, ".axe.txt"), violations.Select(v => v.ToString()).DefaultIfEmpty("no violations"));
            problems.AddRange(violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{name}: {v}"));
        }

        await page.GotoAsync(Url("/"));
        Assert.Equal("Who said what, about which question, where and when", await page.Locator("h1").InnerTextAsync());
        await LookAtAsync("explorer-home");

        await page.GetByRole(AriaRole.Link, new() { Name = Topic, Exact = true }).ClickAsync();
        await page.WaitForURLAsync(Url("/topics/baku-moscow-rift-is-permanent"), Arrived);
        Assert.Equal(Topic, await page.Locator("h1").InnerTextAsync());
        foreach (var position in new[] { "supports", "mixed", "neutral", "opposes" })
            Assert.True(await page.Locator($"#position-{position}").IsVisibleAsync(), $"the {position} column is not shown");
        Assert.True(await page.GetByRole(AriaRole.Img, new() { Name = "Positions by the year they were held" }).IsVisibleAsync());
        await LookAtAsync("explorer-topic");
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
        {
            // The README's picture: a question whose positions were held in two periods.
            await using var readme = await chromium.NewPageAsync();
            await readme.Page.GotoAsync(Url("/topics/aliyev-course-independent-of-moscow"));
            await readme.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ContractTests.RepositoryRoot(), "docs", "topic-page.png") });
        }

        // A quote, followed into its article: the page opens at it, marked as the one the link led to.
        var card = page.Locator("#position-supports article.stance").First;
        var quote = await card.Locator("blockquote p").TextContentAsync();
        var link = card.GetByRole(AriaRole.Link, new() { Name = "Read the quote in the article" });
        var href = (await link.GetAttributeAsync("href"))!;
        var stance = href[(href.IndexOf("#quote-", StringComparison.Ordinal) + "#quote-".Length)..];
        await link.ClickAsync();
        await page.WaitForURLAsync(Url(href), Arrived);
        var mark = page.Locator($"#quote-{stance}");
        Assert.True(await mark.EvaluateAsync<bool>("m => m.tagName === 'MARK' && m.matches(':target')"), $"#quote-{stance} is not the target mark");
        Assert.Equal(TargetBackground, await mark.EvaluateAsync<string>("m => getComputedStyle(m).backgroundColor"));
        Assert.NotEqual(TargetBackground, await page.Locator($"section.body mark.quote:not(#quote-{stance})").First.EvaluateAsync<string>("m => getComputedStyle(m).backgroundColor"));
        var marked = await mark.EvaluateAsync<string>("m => { const c = m.cloneNode(true); c.querySelectorAll('a.ref').forEach(a => a.remove()); return c.textContent; }");
        Assert.Equal(quote, marked);
        Assert.True(await mark.EvaluateAsync<bool>("m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }"),
            "the article did not open at the quote (TestResults/browser/explorer-article.png)");
        await LookAtAsync("explorer-article");

        // A search from the box in the header.
        // Submitted with its button, as a reader does.
        await page.Locator("#site-q").FillAsync("diaspora");
        await page.Locator("form.site-search").GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.WaitForURLAsync(Url("/search?q=diaspora"), Arrived);
        var results = page.Locator("ol.results > li");
        Assert.True(await results.CountAsync() > 0);
        foreach (var term in await page.Locator("ol.results .snippet mark").AllTextContentsAsync())
            Assert.Equal("diaspora", term, ignoreCase: true);
        await LookAtAsync("explorer-search");

        // A voice's page, by its link on the article's card.
        await page.GoBackAsync();
        await page.Locator($"#stance-{stance} h3 a").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/authors/"), Arrived);
        await LookAtAsync("explorer-voice");
        Assert.Empty(browser.ConsoleErrors);

        // An unknown page is a page too; the browser logs its 404, and nothing else.
        await page.GotoAsync(Url("/topics/no-such-topic"));
        Assert.Equal("No such topic", await page.Locator("h1").InnerTextAsync());
        await LookAtAsync("explorer-not-found");
        Assert.All(browser.ConsoleErrors, e => Assert.Contains("404", e));

        Assert.True(problems.Count == 0, "axe-core found serious or critical problems (screenshots in TestResults/browser/):\n" + string.Join("\n", problems));
    }
}
