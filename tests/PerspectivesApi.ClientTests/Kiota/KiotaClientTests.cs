using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using PerspectivesApi.ClientTests.Kiota.Generated;
using PerspectivesApi.ClientTests.Kiota.Generated.Models;

namespace PerspectivesApi.ClientTests.Kiota;

/// <summary>The Kiota client generated from openapi/v1.json (generate.sh), used as a third-party app
/// would use it, against the real service.</summary>
public sealed class KiotaClientTests(ArchiveServer archive) : IClassFixture<ArchiveServer>
{
    /// <summary>Small pages, so that every walk follows cursors.</summary>
    private const int Limit = 3;

    private ArchiveClient Reader() => new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider()) { BaseUrl = archive.BaseUrl });

    private ArchiveClient Curator() =>
        new(new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new CuratorKey(archive.CuratorKey))) { BaseUrl = archive.BaseUrl });

    /// <summary>The key as a bearer token; the archive's keys are static, so there is nothing to refresh.</summary>
    private sealed class CuratorKey(string key) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(key);
    }

    [Fact]
    public void The_generated_types_are_typed_and_named()
    {
        var types = GeneratedTypes.In(typeof(ArchiveClient).Assembly, typeof(ArchiveClient).Namespace!);
        Assert.True(types.Count > 50, "the generated client was not found");
        Assert.True(types.Count(t => t.IsEnum) >= 10, "the contract's vocabularies did not become enums");
        var problems = GeneratedTypes.MembersTypedAsEmptyBags(types).Select(m => "typed as an empty bag: " + m)
            .Concat(GeneratedTypes.PositionalEnumNames(types).Select(e => "positional enum name: " + e))
            .Concat(GeneratedTypes.EnumsGeneratedMoreThanOnce(types).Select(e => "enum generated more than once: " + e))
            .Concat(GeneratedTypes.EnumsTypedDifferentlyInRequestsAndResponses(types).Select(e => "enum typed differently: " + e))
            .ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task Walks_every_collection_to_its_end()
    {
        var client = Reader();
        var articles = await WalkArticlesAsync(client);
        var authors = await Collections.WalkAsync("authors", async cursor =>
        {
            var page = await client.V1.Authors.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
            return new Page<Author>(page!.Items, page.NextCursor, page.Total);
        }, a => a.Id);
        var outlets = await Collections.WalkAsync("outlets", async cursor =>
        {
            var page = await client.V1.Outlets.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
            return new Page<Outlet>(page!.Items, page.NextCursor, page.Total);
        }, o => o.Id);
        var topics = await WalkTopicsAsync(client);
        var stances = await WalkStancesAsync(client);
        var hits = await Collections.WalkAsync("search?q=Russia", async cursor =>
        {
            var page = await client.V1.Search.GetAsync(r => { r.QueryParameters.Q = "Russia"; r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
            return new Page<SearchHit>(page!.Items, page.NextCursor, page.Total);
        }, h => Wire.Name(h.Kind) + "/" + h.Id);
        Assert.True(hits.Count > Limit, $"search?q=Russia found {hits.Count}");

        var index = await client.V1.GetAsync();
        Assert.Equal(["articles", "authors", "outlets", "search", "stances", "topics"], index!.Collections!.Select(c => c.Name!).Order());
        Assert.Equal(5, articles.Count);
        Assert.NotEmpty(authors);
        Assert.NotEmpty(outlets);
        Assert.NotEmpty(topics);
        Assert.NotEmpty(stances);

        // The nested lists, walked for every parent: each stance is in one article, on one topic, held by one voice.
        long byArticle = 0, byTopic = 0, byAuthor = 0, byOutlet = 0;
        foreach (var article in articles)
            byArticle += (await Collections.WalkAsync($"articles/{article.Id}/stances", async cursor =>
            {
                var page = await client.V1.Articles[article.Id!].Stances.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
                return new Page<Stance>(page!.Items, page.NextCursor, page.Total);
            }, s => s.Id)).Count;
        foreach (var topic in topics)
            byTopic += (await Collections.WalkAsync($"topics/{topic.Id}/stances", async cursor =>
            {
                var page = await client.V1.Topics[topic.Id!].Stances.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
                return new Page<Stance>(page!.Items, page.NextCursor, page.Total);
            }, s => s.Id)).Count;
        foreach (var author in authors)
        {
            byAuthor += (await Collections.WalkAsync($"authors/{author.Id}/stances", async cursor =>
            {
                var page = await client.V1.Authors[author.Id!].Stances.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
                return new Page<Stance>(page!.Items, page.NextCursor, page.Total);
            }, s => s.Id)).Count;
            var credited = await Collections.WalkAsync($"authors/{author.Id}/articles", async cursor =>
            {
                var page = await client.V1.Authors[author.Id!].Articles.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
                return new Page<ArticleSummary>(page!.Items, page.NextCursor, page.Total);
            }, a => a.Id);
            Assert.Subset(articles.Select(a => a.Id).ToHashSet(), credited.Select(a => a.Id).ToHashSet());
        }
        foreach (var outlet in outlets)
            byOutlet += (await Collections.WalkAsync($"outlets/{outlet.Id}/articles", async cursor =>
            {
                var page = await client.V1.Outlets[outlet.Id!].Articles.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
                return new Page<ArticleSummary>(page!.Items, page.NextCursor, page.Total);
            }, a => a.Id)).Count;
        Assert.Equal(stances.Count, byArticle);
        Assert.Equal(stances.Count, byTopic);
        Assert.Equal(stances.Count(s => s.Author is not null), byAuthor);
        Assert.Equal(articles.Count(a => a.Outlet is not null), byOutlet);
    }

    [Fact]
    public async Task Reads_every_resource_of_every_kind_with_its_references_typed()
    {
        var client = Reader();
        var bodies = new Dictionary<string, string>();
        foreach (var summary in await WalkArticlesAsync(client))
        {
            var article = await client.V1.Articles[summary.Id!].GetAsync();
            Assert.Equal(summary.Title, article!.Title);
            Assert.Equal(summary.Outlet?.Name, article.Outlet?.Name);
            Assert.Equal(summary.Published?.Date, article.Published?.Date);
            Assert.NotNull(article.Published?.Precision);
            Assert.All(article.Credits!, credit => Assert.False(string.IsNullOrEmpty(credit.Author?.Name)));
            Assert.False(string.IsNullOrEmpty(article.Body));
            bodies[article.Id!] = article.Body!;
        }
        foreach (var stance in await WalkStancesAsync(client))
        {
            var read = await client.V1.Stances[stance.Id!].GetAsync();
            Assert.Equal(stance.Summary, read!.Summary);
            Assert.NotNull(read.Position);
            Assert.False(string.IsNullOrEmpty(read.Topic?.Title));
            Assert.False(string.IsNullOrEmpty(read.Article?.Title));
            Assert.Equal(read.Quote!.Text, Wire.CodePoints(bodies[read.Article!.Id!], read.Quote.Start!.Value, read.Quote.End!.Value));
        }
        foreach (var author in (await client.V1.Authors.GetAsync(r => r.QueryParameters.Limit = 100))!.Items!)
        {
            var read = await client.V1.Authors[author.Id!].GetAsync();
            Assert.Equal(author.Name, read!.Name);
            Assert.Equal(author.Outlet?.Name, read.Outlet?.Name);
            Assert.NotNull(read.Kind);
        }
        foreach (var outlet in (await client.V1.Outlets.GetAsync(r => r.QueryParameters.Limit = 100))!.Items!)
        {
            var read = await client.V1.Outlets[outlet.Id!].GetAsync();
            Assert.Equal(outlet.Name, read!.Name);
            Assert.Equal(Wire.Name(outlet.Kind), Wire.Name(read.Kind));
        }
        foreach (var topic in await WalkTopicsAsync(client))
        {
            var read = await client.V1.Topics[topic.Id!].GetAsync();
            Assert.Equal(topic.Proposition, read!.Proposition);
        }
    }

    [Fact]
    public async Task Searches_and_reads_the_summaries()
    {
        var client = Reader();
        var stance = (await client.V1.Stances.GetAsync(r => r.QueryParameters.Limit = 1))!.Items!.Single();
        var phrase = "\"" + string.Join(' ', stance.Quote!.Text!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(4)).Trim('"', ',', '.', '“', '”') + "\"";
        var hits = await client.V1.Search.GetAsync(r => { r.QueryParameters.Q = phrase; r.QueryParameters.Limit = 100; });
        Assert.Contains(hits!.Items!, hit => hit.Id == stance.Id);
        Assert.All(hits.Items!, hit => Assert.Contains("<mark>", hit.Snippet));

        var topics = await WalkTopicsAsync(client);
        foreach (var topic in topics)
        {
            var summary = await client.V1.Topics[topic.Id!].Summary.GetAsync();
            var positions = summary!.Positions!;
            Assert.Equal(topic.StanceCount, positions.Supports + positions.Opposes + positions.Mixed + positions.Neutral);
        }
        var summaries = await Collections.WalkAsync("topics/summary", async cursor =>
        {
            var page = await client.V1.Topics.Summary.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
            return new Page<TopicSummary>(page!.Items, page.NextCursor, page.Total);
        }, s => s.Topic?.Id);
        Assert.Equal(topics.Select(t => t.Id).Order(), summaries.Select(s => s.Topic?.Id).Order());
    }

    [Fact]
    public async Task Sends_back_what_it_read_to_ask_for_more_like_it()
    {
        // One enum type for a field and its filter: a stance's position is what the position filter takes.
        var client = Reader();
        var stance = (await client.V1.Stances.GetAsync(r => r.QueryParameters.Limit = 1))!.Items!.Single();
        var alike = await client.V1.Stances.GetAsync(r => { r.QueryParameters.Position = [stance.Position!.Value]; r.QueryParameters.Topic = [stance.Topic!.Id!]; r.QueryParameters.Limit = 100; });
        Assert.Contains(alike!.Items!, s => s.Id == stance.Id);
        Assert.All(alike.Items!, s => Assert.Equal((stance.Position, stance.Topic!.Id), (s.Position, s.Topic!.Id)));

        var outlet = (await client.V1.Outlets.GetAsync(r => r.QueryParameters.Limit = 100))!.Items!.First(o => o.Kind is not null);
        var sameKind = await client.V1.Outlets.GetAsync(r => { r.QueryParameters.Kind = [outlet.Kind!.Value]; r.QueryParameters.Limit = 100; });
        Assert.Contains(sameKind!.Items!, o => o.Id == outlet.Id);
        Assert.All(sameKind.Items!, o => Assert.Equal(outlet.Kind, o.Kind));
    }

    [Fact]
    public async Task Pages_the_changes_feed_from_the_seed_corpus_on()
    {
        var client = Reader();
        var changes = await Collections.FollowAsync("changes", async cursor =>
        {
            var page = await client.V1.Changes.GetAsync(r => { r.QueryParameters.Limit = 50; r.QueryParameters.Cursor = cursor; });
            return new Page<Change>(page!.Items, page.NextCursor, page.Total);
        });
        Assert.True(changes.Count > 50, $"the feed held {changes.Count} changes, fewer than a page");
        Assert.Equal(changes.Select(c => c.Seq).Order(), changes.Select(c => c.Seq));
        Assert.Equal(changes.Count, changes.Select(c => c.Seq).Distinct().Count());
        var created = changes.Where(c => Wire.Name(c.Action) == "create").Select(c => (Wire.Name(c.Collection), c.Id)).ToHashSet();
        foreach (var article in await WalkArticlesAsync(client)) Assert.Contains(("articles", article.Id), created);
        foreach (var stance in await WalkStancesAsync(client)) Assert.Contains(("stances", stance.Id), created);
    }

    [Fact]
    public async Task A_curator_creates_patches_deletes_and_restores_an_outlet()
    {
        var curator = Curator();
        var name = $"Kiota Outlet {Guid.NewGuid():N}"[..24];
        var created = await curator.V1.Outlets.PostAsync(new OutletDocument { Name = name, Country = "AZ" });
        var id = created!.Id!;
        Assert.Equal(name, created.Name);

        var etag = await ETagAsync(curator, id);
        var patched = await curator.V1.Outlets[id].PatchAsync(new OutletPatch { Url = "https://example.org/kiota" }, r => r.Headers.Add("If-Match", etag));
        Assert.Equal("https://example.org/kiota", patched!.Url);
        Assert.Equal(name, patched.Name);
        Assert.Equal("AZ", patched.Country);

        var stale = await Assert.ThrowsAsync<ProblemDetails>(() => curator.V1.Outlets[id].PatchAsync(new OutletPatch { Description = "Too late." }, r => r.Headers.Add("If-Match", etag)));
        Assert.Equal(412, stale.ResponseStatusCode);
        Assert.Equal(412, stale.Status);
        Assert.Equal("/problems/stale-etag", stale.Type);
        Assert.Contains(stale.Detail!, stale.Message); // what went wrong reaches the exception's message, and so the logs

        var current = await ETagAsync(curator, id);
        await curator.V1.Outlets[id].DeleteAsync(r => r.Headers.Add("If-Match", current));
        var gone = await Assert.ThrowsAsync<ProblemDetails>(() => Reader().V1.Outlets[id].GetAsync());
        Assert.Equal(410, gone.Status);
        Assert.Equal("/problems/deleted", gone.Type);

        var revisions = await Collections.FollowAsync($"outlets/{id}/revisions", async cursor =>
        {
            var page = await curator.V1.Outlets[id].Revisions.GetAsync(r => { r.QueryParameters.Limit = 1; r.QueryParameters.Cursor = cursor; });
            return new Page<OutletRevision>(page!.Items, page.NextCursor, page.Total);
        });
        Assert.Equal(["create", "update", "delete"], revisions.Select(r => Wire.Name(r.Action)));

        var restored = await curator.V1.Outlets[id].Revisions[revisions[^1].Seq!.Value].Restore.PostAsync();
        Assert.Equal("https://example.org/kiota", restored!.Url);
        var read = await Reader().V1.Outlets[id].GetAsync();
        Assert.Equal(name, read!.Name);
        Assert.Equal("https://example.org/kiota", read.Url);
    }

    private static async Task<string> ETagAsync(ArchiveClient client, string outlet)
    {
        var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        await client.V1.Outlets[outlet].GetAsync(r => r.Options.Add(headers));
        return Assert.Single(headers.ResponseHeaders["ETag"]);
    }

    private static Task<List<ArticleSummary>> WalkArticlesAsync(ArchiveClient client) =>
        Collections.WalkAsync("articles", async cursor =>
        {
            var page = await client.V1.Articles.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
            return new Page<ArticleSummary>(page!.Items, page.NextCursor, page.Total);
        }, a => a.Id);

    private static Task<List<Topic>> WalkTopicsAsync(ArchiveClient client) =>
        Collections.WalkAsync("topics", async cursor =>
        {
            var page = await client.V1.Topics.GetAsync(r => { r.QueryParameters.Limit = Limit; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
            return new Page<Topic>(page!.Items, page.NextCursor, page.Total);
        }, t => t.Id);

    private static Task<List<Stance>> WalkStancesAsync(ArchiveClient client) =>
        Collections.WalkAsync("stances", async cursor =>
        {
            var page = await client.V1.Stances.GetAsync(r => { r.QueryParameters.Limit = 10; r.QueryParameters.Cursor = cursor; r.QueryParameters.Count = true; });
            return new Page<Stance>(page!.Items, page.NextCursor, page.Total);
        }, s => s.Id);
}
