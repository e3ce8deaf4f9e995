using PerspectivesApi.ClientTests.NSwag.Generated;

namespace PerspectivesApi.ClientTests.NSwag;

/// <summary>The NSwag client generated from openapi/v1.json (generate.sh), used as a third-party app
/// would use it, against the real service.</summary>
public sealed class NSwagClientTests(ArchiveServer archive) : IClassFixture<ArchiveServer>
{
    /// <summary>Small pages, so that every walk follows cursors.</summary>
    private const int Limit = 3;

    private ArchiveClient Reader() => new(new HttpClient { BaseAddress = archive.BaseAddress });

    private ArchiveClient Curator()
    {
        var http = new HttpClient { BaseAddress = archive.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", archive.CuratorKey);
        return new ArchiveClient(http);
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
            var page = (await client.ListAuthorsAsync(limit: Limit, cursor: cursor, count: true)).Result;
            return new Page<Author>(page.Items, page.NextCursor, page.Total);
        }, a => a.Id);
        var outlets = await Collections.WalkAsync("outlets", async cursor =>
        {
            var page = (await client.ListOutletsAsync(limit: Limit, cursor: cursor, count: true)).Result;
            return new Page<Outlet>(page.Items, page.NextCursor, page.Total);
        }, o => o.Id);
        var topics = await WalkTopicsAsync(client);
        var stances = await WalkStancesAsync(client);
        var hits = await Collections.WalkAsync("search?q=Russia", async cursor =>
        {
            var page = (await client.SearchAsync("Russia", limit: Limit, cursor: cursor, count: true)).Result;
            return new Page<SearchHit>(page.Items, page.NextCursor, page.Total);
        }, h => Wire.Name(h.Kind) + "/" + h.Id);
        Assert.True(hits.Count > Limit, $"search?q=Russia found {hits.Count}");

        var index = (await client.GetIndexAsync()).Result;
        Assert.Equal(["articles", "authors", "outlets", "search", "stances", "topics"], index.Collections.Select(c => c.Name).Order());
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
                var page = (await client.ListArticleStancesAsync(article.Id, limit: Limit, cursor: cursor, count: true)).Result;
                return new Page<Stance>(page.Items, page.NextCursor, page.Total);
            }, s => s.Id)).Count;
        foreach (var topic in topics)
            byTopic += (await Collections.WalkAsync($"topics/{topic.Id}/stances", async cursor =>
            {
                var page = (await client.ListTopicStancesAsync(topic.Id, limit: Limit, cursor: cursor, count: true)).Result;
                return new Page<Stance>(page.Items, page.NextCursor, page.Total);
            }, s => s.Id)).Count;
        foreach (var author in authors)
        {
            byAuthor += (await Collections.WalkAsync($"authors/{author.Id}/stances", async cursor =>
            {
                var page = (await client.ListAuthorStancesAsync(author.Id, limit: Limit, cursor: cursor, count: true)).Result;
                return new Page<Stance>(page.Items, page.NextCursor, page.Total);
            }, s => s.Id)).Count;
            var credited = await Collections.WalkAsync($"authors/{author.Id}/articles", async cursor =>
            {
                var page = (await client.ListAuthorArticlesAsync(author.Id, limit: Limit, cursor: cursor, count: true)).Result;
                return new Page<ArticleSummary>(page.Items, page.NextCursor, page.Total);
            }, a => a.Id);
            Assert.Subset(articles.Select(a => a.Id).ToHashSet(), credited.Select(a => a.Id).ToHashSet());
        }
        foreach (var outlet in outlets)
            byOutlet += (await Collections.WalkAsync($"outlets/{outlet.Id}/articles", async cursor =>
            {
                var page = (await client.ListOutletArticlesAsync(outlet.Id, limit: Limit, cursor: cursor, count: true)).Result;
                return new Page<ArticleSummary>(page.Items, page.NextCursor, page.Total);
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
            var article = (await client.GetArticleAsync(summary.Id)).Result;
            Assert.Equal(summary.Title, article.Title);
            Assert.Equal(summary.Outlet?.Name, article.Outlet?.Name);
            Assert.Equal(summary.Published?.Date, article.Published?.Date);
            Assert.NotNull(article.Published?.Precision);
            Assert.All(article.Credits, credit => Assert.False(string.IsNullOrEmpty(credit.Author?.Name)));
            Assert.False(string.IsNullOrEmpty(article.Body));
            bodies[article.Id] = article.Body;
        }
        foreach (var stance in await WalkStancesAsync(client))
        {
            var read = (await client.GetStanceAsync(stance.Id)).Result;
            Assert.Equal(stance.Summary, read.Summary);
            Assert.NotNull(Wire.Name(read.Position));
            Assert.False(string.IsNullOrEmpty(read.Topic?.Title));
            Assert.False(string.IsNullOrEmpty(read.Article?.Title));
            Assert.Equal(read.Quote.Text, Wire.CodePoints(bodies[read.Article.Id], read.Quote.Start, read.Quote.End));
        }
        foreach (var author in (await client.ListAuthorsAsync(limit: 100)).Result.Items)
        {
            var read = (await client.GetAuthorAsync(author.Id)).Result;
            Assert.Equal(author.Name, read.Name);
            Assert.Equal(author.Outlet?.Name, read.Outlet?.Name);
            Assert.NotNull(Wire.Name(read.Kind));
        }
        foreach (var outlet in (await client.ListOutletsAsync(limit: 100)).Result.Items)
        {
            var read = (await client.GetOutletAsync(outlet.Id)).Result;
            Assert.Equal(outlet.Name, read.Name);
            Assert.Equal(Wire.Name(outlet.Kind), Wire.Name(read.Kind));
        }
        foreach (var topic in await WalkTopicsAsync(client))
        {
            var read = (await client.GetTopicAsync(topic.Id)).Result;
            Assert.Equal(topic.Proposition, read.Proposition);
        }
    }

    [Fact]
    public async Task Searches_and_reads_the_summaries()
    {
        var client = Reader();
        var stance = (await client.ListStancesAsync(limit: 1)).Result.Items.Single();
        var phrase = "\"" + string.Join(' ', stance.Quote.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(4)).Trim('"', ',', '.', '“', '”') + "\"";
        var hits = (await client.SearchAsync(phrase, limit: 100)).Result;
        Assert.Contains(hits.Items, hit => hit.Id == stance.Id);
        Assert.All(hits.Items, hit => Assert.Contains("<mark>", hit.Snippet));

        var topics = await WalkTopicsAsync(client);
        foreach (var topic in topics)
        {
            var positions = (await client.GetTopicSummaryAsync(topic.Id)).Result.Positions;
            Assert.Equal(topic.StanceCount, positions.Supports + positions.Opposes + positions.Mixed + positions.Neutral);
        }
        var summaries = await Collections.WalkAsync("topics/summary", async cursor =>
        {
            var page = (await client.ListTopicSummariesAsync(limit: Limit, cursor: cursor, count: true)).Result;
            return new Page<TopicSummary>(page.Items, page.NextCursor, page.Total);
        }, s => s.Topic?.Id);
        Assert.Equal(topics.Select(t => t.Id).Order(), summaries.Select(s => s.Topic?.Id).Order());
    }

    [Fact]
    public async Task Sends_back_what_it_read_to_ask_for_more_like_it()
    {
        // One enum type for a field and its filter: a stance's position is what the position filter takes.
        var client = Reader();
        var stance = (await client.ListStancesAsync(limit: 1)).Result.Items.Single();
        var alike = (await client.ListStancesAsync(topic: [stance.Topic.Id], position: [stance.Position], limit: 100)).Result;
        Assert.Contains(alike.Items, s => s.Id == stance.Id);
        Assert.All(alike.Items, s => Assert.Equal((stance.Position, stance.Topic.Id), (s.Position, s.Topic.Id)));

        var outlet = (await client.ListOutletsAsync(limit: 100)).Result.Items.First(o => o.Kind is not null);
        var sameKind = (await client.ListOutletsAsync(kind: [outlet.Kind!.Value], limit: 100)).Result;
        Assert.Contains(sameKind.Items, o => o.Id == outlet.Id);
        Assert.All(sameKind.Items, o => Assert.Equal(outlet.Kind, o.Kind));
    }

    [Fact]
    public async Task Pages_the_changes_feed_from_the_seed_corpus_on()
    {
        var client = Reader();
        var changes = await Collections.FollowAsync("changes", async cursor =>
        {
            var page = (await client.ListChangesAsync(limit: 50, cursor: cursor)).Result;
            return new Page<Change>(page.Items, page.NextCursor, page.Total);
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
        var name = $"NSwag Outlet {Guid.NewGuid():N}"[..24];
        var created = (await curator.CreateOutletAsync(new OutletDocument { Name = name, Country = "AZ" })).Result;
        var id = created.Id;
        Assert.Equal(name, created.Name);

        // NSwag sends every member of a body, null ones too, and in a merge patch null clears a field:
        // so a patch starts from the outlet as read, with the one change made.
        var read = await curator.GetOutletAsync(id);
        var etag = ETag(read);
        var patched = (await curator.UpdateOutletAsync(id, Document(read.Result, url: "https://example.org/nswag"), if_Match: etag)).Result;
        Assert.Equal("https://example.org/nswag", patched.Url);
        Assert.Equal(name, patched.Name);
        Assert.Equal("AZ", patched.Country);

        var stale = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => curator.UpdateOutletAsync(id, Document(patched, description: "Too late."), if_Match: etag));
        Assert.Equal(412, stale.StatusCode);
        Assert.Equal(412, stale.Result.Status);
        Assert.Equal("/problems/stale-etag", stale.Result.Type);

        await curator.DeleteOutletAsync(id, if_Match: ETag(await curator.GetOutletAsync(id)));
        var gone = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => Reader().GetOutletAsync(id));
        Assert.Equal(410, gone.Result.Status);
        Assert.Equal("/problems/deleted", gone.Result.Type);

        var revisions = await Collections.FollowAsync($"outlets/{id}/revisions", async cursor =>
        {
            var page = (await curator.ListOutletRevisionsAsync(id, limit: 1, cursor: cursor)).Result;
            return new Page<OutletRevision>(page.Items, page.NextCursor, page.Total);
        });
        Assert.Equal(["create", "update", "delete"], revisions.Select(r => Wire.Name(r.Action)));

        var restored = (await curator.RestoreOutletRevisionAsync(id, revisions[^1].Seq)).Result;
        Assert.Equal("https://example.org/nswag", restored.Url);
        var again = (await Reader().GetOutletAsync(id)).Result;
        Assert.Equal(name, again.Name);
        Assert.Equal("https://example.org/nswag", again.Url);
    }

    private static OutletPatch Document(Outlet outlet, string? url = null, string? description = null) => new()
    {
        Name = outlet.Name,
        Kind = outlet.Kind,
        Country = outlet.Country,
        Url = url ?? outlet.Url,
        Description = description ?? outlet.Description,
    };

    private static string ETag(SwaggerResponse response) =>
        Assert.Single(response.Headers.Single(h => h.Key.Equals("ETag", StringComparison.OrdinalIgnoreCase)).Value);

    private static Task<List<ArticleSummary>> WalkArticlesAsync(ArchiveClient client) =>
        Collections.WalkAsync("articles", async cursor =>
        {
            var page = (await client.ListArticlesAsync(limit: Limit, cursor: cursor, count: true)).Result;
            return new Page<ArticleSummary>(page.Items, page.NextCursor, page.Total);
        }, a => a.Id);

    private static Task<List<Topic>> WalkTopicsAsync(ArchiveClient client) =>
        Collections.WalkAsync("topics", async cursor =>
        {
            var page = (await client.ListTopicsAsync(limit: Limit, cursor: cursor, count: true)).Result;
            return new Page<Topic>(page.Items, page.NextCursor, page.Total);
        }, t => t.Id);

    private static Task<List<Stance>> WalkStancesAsync(ArchiveClient client) =>
        Collections.WalkAsync("stances", async cursor =>
        {
            var page = (await client.ListStancesAsync(limit: 10, cursor: cursor, count: true)).Result;
            return new Page<Stance>(page.Items, page.NextCursor, page.Total);
        }, s => s.Id);
}
