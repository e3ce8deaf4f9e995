using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Tests;

/// <summary>An archive created empty, to replay another one's changes into.</summary>
public sealed class EmptyArchive : ArchiveApp
{
    protected override bool Seed => false;
}

public sealed class ImportAndChangesTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private static async Task<HttpClient> CuratorAsync(ArchiveApp archive)
    {
        var (_, secret) = await archive.Services.GetRequiredService<ApiKeys>().CreateAsync("curator-" + Guid.NewGuid().ToString("N")[..8]);
        var client = archive.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<string> SnapshotAsync(ArchiveApp archive)
    {
        await using var connection = await archive.OpenAsync();
        var snapshot = new StringBuilder();
        foreach (var table in new[] { "outlets", "authors", "topics", "articles", "credits", "stances", "revisions" })
        foreach (var row in await connection.QueryAsync($"SELECT * FROM {table} ORDER BY 1, 2"))
            snapshot.Append(table).Append(JsonSerializer.Serialize((IDictionary<string, object>)row)).Append('\n');
        return snapshot.ToString();
    }

    [Fact]
    public async Task A_failing_import_leaves_every_table_unchanged()
    {
        var client = await CuratorAsync(app);
        var before = await SnapshotAsync(app);
        using var response = await client.PostAsync("/v1/imports", Json(new
        {
            outlets = new[] { new { id = "import-fail-outlet", name = "Valid Outlet" } },
            articles = new[] { new { id = "import-fail-article", title = "Valid", genre = "news", language = "en", body = "Some words.", credits = Array.Empty<object>() } },
            stances = new[] { new { id = "import-fail-stance", topic = "no-such-topic", article = "import-fail-article", position = "supports", quote = "Words not there.", summary = "x" } },
        }));
        var problem = await ProblemAssert.IsProblemAsync(response, 422);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains("stances[0].topic", fields);
        Assert.Contains("stances[0].quote", fields);
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Fact]
    public async Task An_import_applies_everything_reports_it_and_records_each_change()
    {
        var client = await CuratorAsync(app);
        using var response = await client.PostAsync("/v1/imports", Json(new
        {
            outlets = new object[] { new { id = "imported-outlet", name = "Imported Outlet", kind = "blog" }, new { id = "georgia-today", name = "Georgia Today", kind = "newspaper", country = "GE", url = "https://georgiatoday.ge", description = "Changed by an import." } },
            authors = new[] { new { id = "imported-author", name = "Imported Author", kind = "person" } },
            articles = new[] { new { id = "imported-article", title = "Imported", genre = "opinion", language = "en", outlet = "imported-outlet", body = "An imported body about capybaras.", credits = new[] { new { author = "imported-author", role = "author" } } } },
            stances = new[] { new { id = "imported-stance", topic = "russia-heading-for-collapse", article = "imported-article", author = "imported-author", position = "neutral", quote = "capybaras", summary = "x" } },
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var report = JsonDocument.Parse(body).RootElement.GetProperty("report");
        Assert.Equal(1, report.GetProperty("outlets").GetProperty("created").GetInt32());
        Assert.Equal(1, report.GetProperty("outlets").GetProperty("updated").GetInt32());
        Assert.Equal(1, report.GetProperty("stances").GetProperty("created").GetInt32());

        var stance = await app.GetJsonAsync("/v1/stances/imported-stance");
        // Offsets left out: the server found "capybaras" in "An imported body about capybaras."
        Assert.Equal(23, stance.GetProperty("quote").GetProperty("start").GetInt32());
        Assert.Equal(32, stance.GetProperty("quote").GetProperty("end").GetInt32());
        // Left out, the reading is the import's (method imported, by the importing key), the attribution follows from the
        // credit (the author's own words), and the time held is the article's date (unknown here).
        Assert.Equal("imported", stance.GetProperty("method").GetString());
        Assert.StartsWith("curator-", stance.GetProperty("curator").GetString());
        Assert.Equal("own-words", stance.GetProperty("attribution").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, stance.GetProperty("heldAt").ValueKind);
        Assert.Equal(["create"], (await app.GetJsonAsync("/v1/articles/imported-article/revisions")).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("action").GetString()));
        var georgia = (await app.GetJsonAsync("/v1/outlets/georgia-today/revisions")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("update", georgia[^1].GetProperty("action").GetString());
        Assert.Equal("import", georgia[^1].GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_retried_import_with_the_same_idempotency_key_applies_nothing_again()
    {
        var client = await CuratorAsync(app);
        var key = Guid.NewGuid().ToString();
        var manifest = new { authors = new[] { new { id = "idempotent-import-author", name = "Once", kind = "person" } } };
        string? first = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/imports") { Content = Json(manifest) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            first ??= body;
            Assert.Equal(first, body); // the first answer, replayed: "created": 1 each time
        }
        Assert.Single((await app.GetJsonAsync("/v1/authors/idempotent-import-author/revisions")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_new_stance_shows_at_once_in_search_summaries_facets_exports_and_the_snapshot_etag()
    {
        var client = await CuratorAsync(app);
        var summary = await app.GetJsonAsync("/v1/topics/diaspora-pressure-effective-lever/summary");
        var snapshotEtag = (await app.CreateClient().GetAsync("/v1/export/archive.sqlite")).Headers.ETag!.Tag;

        using (var created = await client.PostAsync("/v1/stances", Json(new
        {
            id = "freshness-stance", topic = "diaspora-pressure-effective-lever", article = "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky",
            author = "ivan-preobrazhensky", position = "supports", quote = "is the easiest option", summary = "Hitting the diaspora is the easiest option.",
        }))) Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        Assert.Contains("freshness-stance", (await app.GetJsonAsync("/v1/search?q=%22easiest%20option%22&kind=stance")).Ids());
        var after = await app.GetJsonAsync("/v1/topics/diaspora-pressure-effective-lever/summary");
        Assert.Equal(summary.GetProperty("positions").GetProperty("supports").GetInt32() + 1, after.GetProperty("positions").GetProperty("supports").GetInt32());
        var facet = (await app.GetJsonAsync("/v1/stances?topic=diaspora-pressure-effective-lever&facet=position&limit=1")).GetProperty("facets").GetProperty("position");
        Assert.Contains(facet.EnumerateArray(), v => v.GetProperty("value").GetString() == "supports");
        Assert.Contains("freshness-stance", await app.CreateClient().GetStringAsync("/v1/stances?format=ndjson&topic=diaspora-pressure-effective-lever"));
        Assert.NotEqual(snapshotEtag, (await app.CreateClient().GetAsync("/v1/export/archive.sqlite")).Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData("/v1/changes?since=-1", "since")]
    [InlineData("/v1/changes?since=abc", "since")]
    [InlineData("/v1/changes?limit=0", "limit")]
    [InlineData("/v1/changes?limit=1001", "limit")]
    [InlineData("/v1/changes?cursor=x", "cursor")]
    public async Task Changes_parameters_are_checked(string url, string parameter)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, parameter);
    }

    [Fact]
    public async Task The_feed_starts_with_the_seed_corpus()
    {
        var page = await app.GetJsonAsync("/v1/changes?limit=1000");
        var changes = page.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("curator").GetString() == "seed-corpus").ToList();
        Assert.Equal(5, changes.Count(c => c.GetProperty("collection").GetString() == "articles"));
        Assert.Equal(71, changes.Count(c => c.GetProperty("collection").GetString() == "stances"));
    }
}

/// <summary>The changes feed, replayed into an empty archive, reproduces the archive.</summary>
public sealed class ReplayTests : IDisposable
{
    private readonly ArchiveApp source = new();
    private readonly EmptyArchive mirror = new();

    private static async Task<HttpClient> CuratorAsync(ArchiveApp archive)
    {
        var (_, secret) = await archive.Services.GetRequiredService<ApiKeys>().CreateAsync("replayer");
        var client = archive.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task SendAsync(HttpClient client, HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Json(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<string> ETagAsync(HttpClient client, string url) => (await client.GetAsync(url)).Headers.ETag!.ToString();

    [Fact]
    public async Task Replaying_the_changes_feed_into_an_empty_archive_reproduces_it()
    {
        // Some history on the source: creations, an update, a deletion with cascade, a restore.
        var curator = await CuratorAsync(source);
        await SendAsync(curator, HttpMethod.Post, "/v1/outlets", new { id = "replay-outlet", name = "Replay Outlet" });
        await SendAsync(curator, HttpMethod.Patch, "/v1/outlets/replay-outlet", new { country = "AZ" }, await ETagAsync(curator, "/v1/outlets/replay-outlet"));
        await SendAsync(curator, HttpMethod.Post, "/v1/articles", new { id = "replay-article", title = "Replay", genre = "news", language = "en", outlet = "replay-outlet", body = "About otters.", credits = new[] { new { author = "vadym-denysenko", role = "author" } } });
        await SendAsync(curator, HttpMethod.Post, "/v1/stances", new { id = "replay-stance", topic = "russia-heading-for-collapse", article = "replay-article", author = "vadym-denysenko", position = "neutral", quote = "otters", summary = "x" });
        await SendAsync(curator, HttpMethod.Delete, "/v1/articles/replay-article?cascade=true", ifMatch: await ETagAsync(curator, "/v1/articles/replay-article"));
        await SendAsync(curator, HttpMethod.Delete, "/v1/stances/ismailov-rift-point-of-no-return", ifMatch: await ETagAsync(curator, "/v1/stances/ismailov-rift-point-of-no-return"));
        var deletion = (await source.GetJsonAsync("/v1/stances/ismailov-rift-point-of-no-return/revisions")).GetProperty("items").EnumerateArray().Last().GetProperty("seq").GetInt64();
        await SendAsync(curator, HttpMethod.Post, $"/v1/stances/ismailov-rift-point-of-no-return/revisions/{deletion}/restore");
        await SendAsync(curator, HttpMethod.Patch, "/v1/topics/russia-heading-for-collapse", new { description = "Edited." }, await ETagAsync(curator, "/v1/topics/russia-heading-for-collapse"));

        // Replay, page by page, as a mirror would.
        var replayer = await CuratorAsync(mirror);
        Assert.Empty((await mirror.GetJsonAsync("/v1/articles")).GetProperty("items").EnumerateArray());
        long since = 0;
        var replayed = 0;
        string? cursor = null;
        while (true)
        {
            // Paged like every collection: since is where the mirror starts, nextCursor where each next page does.
            var page = await source.GetJsonAsync("/v1/changes?since=0&limit=7" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            foreach (var change in page.GetProperty("items").EnumerateArray())
            {
                var collection = change.GetProperty("collection").GetString()!;
                var id = change.GetProperty("id").GetString()!;
                if (change.GetProperty("action").GetString() == "delete")
                    await SendAsync(replayer, HttpMethod.Delete, $"/v1/{collection}/{id}", ifMatch: "*");
                else
                    await SendAsync(replayer, HttpMethod.Post, "/v1/imports", new JsonObject { [collection] = new JsonArray(JsonNode.Parse(change.GetProperty("document").GetRawText())) });
                since = change.GetProperty("seq").GetInt64();
                replayed++;
            }
            if (page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null) break;
            cursor = page.GetProperty("nextCursor").GetString();
        }
        Assert.True(replayed > 60);

        foreach (var list in new[] { "/v1/outlets", "/v1/authors", "/v1/topics", "/v1/stances", "/v1/articles" })
            Assert.Equal((await source.GetJsonAsync(list + "?limit=100")).GetRawText(), (await mirror.GetJsonAsync(list + "?limit=100")).GetRawText());
        foreach (var id in (await source.GetJsonAsync("/v1/articles?limit=100")).Ids())
            Assert.Equal((await source.GetJsonAsync($"/v1/articles/{id}")).GetRawText(), (await mirror.GetJsonAsync($"/v1/articles/{id}")).GetRawText());
        using (var gone = await mirror.CreateClient().GetAsync("/v1/articles/replay-article")) await ProblemAssert.IsProblemAsync(gone, 410);
    }

    public void Dispose()
    {
        source.Dispose();
        mirror.Dispose();
    }
}
