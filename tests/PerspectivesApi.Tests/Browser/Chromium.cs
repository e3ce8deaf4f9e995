using Microsoft.Playwright;

namespace PerspectivesApi.Tests.Browser;

/// <summary>Debian's Chromium (<c>apt-get install chromium</c>, done by .ci/run), headless and driven by
/// Playwright, for tests that use a page as a person would. Playwright's own browser download cannot be
/// reached here, so the installed binary is launched; one browser per test class (a class fixture),
/// a fresh page (its own context) per test.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"{ExecutablePath} is missing: apt-get install chromium (.ci/run does)");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // No sandbox (CI runs as root), no GPU, and nothing that would reach beyond this machine.
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new page in a context of its own, which records what the page logs as an error.</summary>
    public async Task<BrowserPage> NewPageAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1600 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000); // generous: a loaded 2-core machine renders slowly
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") lock (errors) errors.Add(message.Text); };
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };
        return new BrowserPage(page, errors);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }
}

/// <summary>A page, and the errors it logged (console errors and uncaught exceptions).</summary>
public sealed class BrowserPage(IPage page, List<string> errors) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public IReadOnlyList<string> ConsoleErrors { get { lock (errors) return errors.ToList(); } }

    /// <summary>Saves the whole page, or one element of it, as TestResults/browser/<paramref name="name"/>.png,
    /// to look at after a run (a failure message can point there).</summary>
    public async Task<string> ScreenshotAsync(string name, ILocator? element = null)
    {
        var path = Path.Combine(ContractTests.RepositoryRoot(), "TestResults", "browser", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (element is null) await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        else await element.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        return path;
    }

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
