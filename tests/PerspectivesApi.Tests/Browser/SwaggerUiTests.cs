using System.Text.Json;
using Microsoft.Playwright;

namespace PerspectivesApi.Tests.Browser;

/// <summary>The service's own binary on Kestrel, shared by the tests of one class.</summary>
public sealed class KestrelArchive : IAsyncLifetime
{
    public RealServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RealServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Swagger UI at /swagger, used in headless Chromium as a person exploring the archive would:
/// "Try it out", type what the task needs and nothing else, "Execute". What the page sends is read off
/// the network, what it shows off the page.</summary>
public sealed class SwaggerUiTests(Chromium chromium, KestrelArchive archive) : IClassFixture<Chromium>, IClassFixture<KestrelArchive>
{
    private string Url(string path) => new Uri(archive.Server.BaseAddress, path).ToString();

    [Fact]
    public async Task Try_it_out_then_Execute_on_the_article_list_with_nothing_typed_returns_every_seed_article()
    {
        await using var browser = await chromium.NewPageAsync();
        var operation = await OpenOperationAsync(browser.Page, "listArticles");
        await TryItOutAsync(operation);
        var response = await ExecuteAsync(browser.Page, operation, "/v1/articles", screenshot: browser, name: "swagger-list-articles");
        var items = (await response.JsonAsync())!.Value.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        await browser.ScreenshotAsync("swagger-list-articles", operation);

        Assert.True(items.Count == 5, $"Execute sent {response.Request.Url} and got {items.Count} of the 5 seed articles: {string.Join(", ", items)} (TestResults/browser/swagger-list-articles.png)");
        Assert.Equal("200", (await operation.Locator(".live-responses-table tbody .response-col_status").First.InnerTextAsync()).Trim());
        Assert.Empty(browser.ConsoleErrors);
    }

    [Fact]
    public async Task A_curator_authorizes_then_creates_patches_deletes_and_restores_an_outlet_from_the_page()
    {
        var key = await archive.Server.CreateCuratorKeyAsync("swagger-ui");
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(Url("/swagger"));
        await AuthorizeAsync(page, key);

        // Create: the body as the curator writes it, no id (the server derives it from the name).
        var create = await OpenOperationAsync(page, "createOutlet", navigate: false);
        await TryItOutAsync(create);
        await FillBodyAsync(create, """{"name": "Swagger UI Outlet", "kind": "blog", "country": "AZ"}""");
        var created = await ExecuteAsync(page, create, "/v1/outlets", expectedStatus: 201, screenshot: browser, name: "swagger-create");
        var id = (await created.JsonAsync())!.Value.GetProperty("id").GetString()!;
        Assert.Equal("swagger-ui-outlet", id);

        // Read: the ETag is on the page, among the response headers.
        await CloseAsync(create);
        var get = await OpenOperationAsync(page, "getOutlet", navigate: false);
        await TryItOutAsync(get);
        await FillParameterAsync(get, "id", id);
        var read = await ExecuteAsync(page, get, $"/v1/outlets/{id}", screenshot: browser, name: "swagger-get");
        var etag = await read.HeaderValueAsync("etag");
        Assert.NotNull(etag);
        Assert.Contains(etag, await get.Locator(".live-responses-table").InnerTextAsync());

        // Patch with that ETag in If-Match.
        await CloseAsync(get);
        var patch = await OpenOperationAsync(page, "updateOutlet", navigate: false);
        await TryItOutAsync(patch);
        await FillParameterAsync(patch, "id", id);
        await FillParameterAsync(patch, "If-Match", etag);
        await FillBodyAsync(patch, """{"url": "https://example.org/swagger-ui"}""");
        var patched = await ExecuteAsync(page, patch, $"/v1/outlets/{id}", screenshot: browser, name: "swagger-patch");
        Assert.Equal("https://example.org/swagger-ui", (await patched.JsonAsync())!.Value.GetProperty("url").GetString());
        var current = await patched.HeaderValueAsync("etag");
        Assert.NotNull(current);

        // Delete with the ETag the patch answered.
        await CloseAsync(patch);
        var delete = await OpenOperationAsync(page, "deleteOutlet", navigate: false);
        await TryItOutAsync(delete);
        await FillParameterAsync(delete, "id", id);
        await FillParameterAsync(delete, "If-Match", current);
        await ExecuteAsync(page, delete, $"/v1/outlets/{id}", expectedStatus: 204, screenshot: browser, name: "swagger-delete");

        // Restore the revision the deletion made, found in the outlet's history.
        await CloseAsync(delete);
        var revisions = await OpenOperationAsync(page, "listOutletRevisions", navigate: false);
        await TryItOutAsync(revisions);
        await FillParameterAsync(revisions, "id", id);
        var history = (await (await ExecuteAsync(page, revisions, $"/v1/outlets/{id}/revisions")).JsonAsync())!.Value.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["create", "update", "delete"], history.Select(r => r.GetProperty("action").GetString()));
        await CloseAsync(revisions);
        var restore = await OpenOperationAsync(page, "restoreOutletRevision", navigate: false);
        await TryItOutAsync(restore);
        await FillParameterAsync(restore, "id", id);
        await FillParameterAsync(restore, "seq", history[^1].GetProperty("seq").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ExecuteAsync(page, restore, $"/v1/outlets/{id}/revisions/", screenshot: browser, name: "swagger-restore");

        using var client = archive.Server.CreateClient();
        var outlet = JsonDocument.Parse(await client.GetStringAsync($"/v1/outlets/{id}")).RootElement;
        Assert.Equal("https://example.org/swagger-ui", outlet.GetProperty("url").GetString());
        Assert.Empty(browser.ConsoleErrors);
    }

    /// <summary>Folds an operation away once used: every open operation is re-rendered on each change of
    /// the page, and the archive's operations are large.</summary>
    private static async Task CloseAsync(ILocator operation) => await operation.Locator(".opblock-summary").First.ClickAsync();

    /// <summary>Opens Swagger UI (unless it is open) and expands one operation.</summary>
    private async Task<ILocator> OpenOperationAsync(IPage page, string operationId, bool navigate = true)
    {
        if (navigate) await page.GotoAsync(Url("/swagger"));
        var operation = page.Locator($"div.opblock[id$='-{operationId}']");
        await operation.Locator(".opblock-summary").First.ClickAsync();
        return operation;
    }

    private static async Task AuthorizeAsync(IPage page, string key)
    {
        await page.Locator(".auth-wrapper button.authorize").ClickAsync();
        var dialog = page.Locator(".dialog-ux");
        await dialog.Locator("input").First.FillAsync(key);
        await dialog.Locator("button.authorize").First.ClickAsync();
        await dialog.Locator("button.btn-done").First.ClickAsync();
    }

    private static async Task TryItOutAsync(ILocator operation) => await operation.Locator("button.try-out__btn").ClickAsync();

    /// <summary>Types into a parameter's field, replacing whatever Swagger UI put there.</summary>
    private static async Task FillParameterAsync(ILocator operation, string name, string value)
    {
        var field = operation.Locator($"tr[data-param-name='{name}'] input");
        Assert.True(await field.CountAsync() > 0, $"the operation offers no field for {name}");
        await field.First.FillAsync(value);
    }

    private static async Task FillBodyAsync(ILocator operation, string json) =>
        await operation.Locator("textarea.body-param__text").FillAsync(json);

    /// <summary>Clicks Execute and returns the answer to the request it sends, once the page shows it.</summary>
    private static async Task<IResponse> ExecuteAsync(IPage page, ILocator operation, string path, int expectedStatus = 200, BrowserPage? screenshot = null, string? name = null)
    {
        IResponse response;
        try
        {
            response = await page.RunAndWaitForResponseAsync(
                () => operation.Locator("button.execute").ClickAsync(),
                r => new Uri(r.Url).AbsolutePath.StartsWith(path) && r.Request.Method != "OPTIONS",
                new PageRunAndWaitForResponseOptions { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            if (screenshot is not null) await screenshot.ScreenshotAsync(name!, operation);
            var invalid = await operation.Locator(".invalid, .validation-errors").AllInnerTextsAsync();
            Assert.Fail($"Execute sent no request to {path}; the form says: {string.Join(" | ", invalid)} (see TestResults/browser/{name}.png)");
            throw;
        }
        await operation.Locator(".live-responses-table tbody .response-col_status").First.WaitForAsync();
        if (response.Status != expectedStatus)
        {
            if (screenshot is not null) await screenshot.ScreenshotAsync(name!, operation);
            Assert.Fail($"{response.Request.Method} {response.Request.Url} answered {response.Status}, not {expectedStatus}: {await response.TextAsync()} (see TestResults/browser/{name}.png)");
        }
        return response;
    }
}
