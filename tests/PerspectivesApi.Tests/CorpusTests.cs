using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>The seed corpus, as served after a fresh start: honest metadata, clean bodies,
/// verifiable quotes, references that resolve, and a provenance anyone can check.</summary>
public sealed class CorpusTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private static readonly string SeedFolder = Path.Combine(ContractTests.RepositoryRoot(), "db", "seed");

    private async Task<List<JsonElement>> AllAsync(string collection) =>
        (await app.GetJsonAsync($"/v1/{collection}?limit=100")).GetProperty("items").EnumerateArray().ToList();

    private static string CodePointSlice(string text, int start, int end)
    {
        // Counted independently of the service's own helper: one Rune per Unicode code point.
        var runes = text.EnumerateRunes().ToArray();
        Assert.InRange(end, start + 1, runes.Length);
        return string.Concat(runes[start..end].Select(r => r.ToString()));
    }

    [Fact]
    public async Task Five_articles_are_listed_with_their_outlets_and_dates()
    {
        var articles = (await AllAsync("articles")).ToDictionary(a => a.GetProperty("id").GetString()!);
        var expected = new Dictionary<string, (string? Outlet, string Date, string Precision, bool Inferred)>
        {
            ["point-of-no-return-aslan-ismailov"] = ("georgia-today", "2025-07-04", "day", false),
            // The Charter97 copy is undated (2025); its Deutsche Welle original is dated to July 2025 (below).
            ["aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky"] = ("charter97", "2025", "year", true),
            ["empire-collapsing-but-not-russia-denysenko"] = (null, "2025", "year", true),
            ["kremlin-fears-russia-azerbaijan-brink-of-war"] = (null, "2025-07-23", "day", false),
            ["putin-aliyev-what-is-this-game"] = (null, "2022-02-22", "day", true),
        };
        Assert.Equal(expected.Keys.Order(), articles.Keys.Order());
        foreach (var (id, want) in expected)
        {
            var article = articles[id];
            var outlet = article.GetProperty("outlet");
            Assert.Equal(want.Outlet, outlet.ValueKind == JsonValueKind.Null ? null : outlet.GetProperty("id").GetString());
            var published = article.GetProperty("published");
            Assert.Equal(want.Date, published.GetProperty("date").GetString());
            Assert.Equal(want.Precision, published.GetProperty("precision").GetString());
            Assert.Equal(want.Inferred, published.GetProperty("inferred").GetBoolean());
            Assert.False(string.IsNullOrWhiteSpace(published.GetProperty("reasoning").GetString()), $"{id} does not say how its date was established");
        }
        var original = (await app.GetJsonAsync("/v1/articles/aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky")).GetProperty("republishedFrom").GetProperty("published");
        Assert.Equal(("2025-07", "month", true), (original.GetProperty("date").GetString(), original.GetProperty("precision").GetString(), original.GetProperty("inferred").GetBoolean()));
        Assert.StartsWith("This dates the Deutsche Welle original", original.GetProperty("reasoning").GetString());
    }

    [Fact]
    public async Task The_corpus_holds_its_curated_counts()
    {
        async Task<long> TotalAsync(string list) => (await app.GetJsonAsync($"/v1/{list}?count=true&limit=1")).GetProperty("total").GetInt64();
        Assert.Equal(5, await TotalAsync("articles"));
        Assert.Equal(16, await TotalAsync("authors"));
        Assert.Equal(20, await TotalAsync("topics"));
        Assert.Equal(71, await TotalAsync("stances"));
        Assert.Equal(4, await TotalAsync("outlets"));
        // The stance the revision removed (its reason is in the manifest) is not in a new archive.
        using var removed = await app.CreateClient().GetAsync("/v1/stances/preobrazhensky-confrontation-only-deepening");
        await ProblemAssert.IsProblemAsync(removed, 404);
        Assert.Contains(SeedCorpus.LoadManifest().Removed!, r => r.Id == "preobrazhensky-confrontation-only-deepening" && r.Reason.Length > 50);
    }

    [Fact]
    public async Task Every_voice_has_a_kind_and_every_stance_says_how_its_words_reach_us_when_it_was_held_and_how_it_was_read()
    {
        var voices = (await AllAsync("authors")).ToDictionary(a => a.GetProperty("id").GetString()!, a => a.GetProperty("kind").GetString());
        Assert.All(voices, v => Assert.Contains(v.Value, Vocabulary.VoiceKinds.Values));
        Assert.Equal(["editorial", "group", "institution", "person"], voices.Values.Distinct().Order());
        var credits = new Dictionary<string, Dictionary<string, HashSet<string>>>();
        var dates = new Dictionary<string, JsonElement>();
        foreach (var summary in await AllAsync("articles"))
        {
            var id = summary.GetProperty("id").GetString()!;
            dates[id] = summary.GetProperty("published");
            credits[id] = summary.GetProperty("credits").EnumerateArray().GroupBy(c => c.GetProperty("author").GetProperty("id").GetString()!)
                .ToDictionary(g => g.Key, g => g.Select(c => c.GetProperty("role").GetString()!).ToHashSet());
            Assert.NotEmpty(credits[id]);
            Assert.DoesNotContain(credits[id].Values, roles => roles.Contains("quoted"));
        }

        foreach (var stance in await AllAsync("stances"))
        {
            var id = stance.GetProperty("id").GetString();
            var article = stance.GetProperty("article").GetProperty("id").GetString()!;
            var voice = stance.GetProperty("author").GetProperty("id").GetString()!; // never null
            var attribution = stance.GetProperty("attribution");
            var kind = attribution.GetProperty("kind").GetString();
            var via = attribution.GetProperty("via");
            var made = credits[article].TryGetValue(voice, out var roles) && roles.Overlaps(CreditRole.Makers);
            switch (kind)
            {
                case "own-words": Assert.True(made && via.ValueKind == JsonValueKind.Null, $"{id}: own words are those of a maker of the piece"); break;
                case "editorial": Assert.True(voices[voice] == "editorial" && credits[article][voice].Contains("author") && via.ValueKind == JsonValueKind.Null, $"{id}: editorial words are the credited editorial voice's"); break;
                case "quoted" or "reported":
                    Assert.False(made, $"{id}: a maker's words are its own");
                    Assert.True(credits[article].ContainsKey(via.GetProperty("id").GetString()!), $"{id}: relayed through a voice not credited on {article}");
                    break;
                default: Assert.Fail($"{id}: attribution {kind}"); break;
            }

            var held = stance.GetProperty("heldAt");
            Assert.True(PublishedDate.IsValid(held.GetProperty("date").GetString(), held.GetProperty("precision").GetString()), $"{id}: heldAt");
            var published = dates[article];
            var sameAsArticle = held.GetProperty("date").GetString() == published.GetProperty("date").GetString() && held.GetProperty("precision").GetString() == published.GetProperty("precision").GetString();
            Assert.True(sameAsArticle || held.GetProperty("reasoning").GetString()?.Length > 20, $"{id}: held at another time than its article's date, without saying why");

            Assert.Equal(("curated", "seed-corpus"), (stance.GetProperty("method").GetString(), stance.GetProperty("curator").GetString()));
            var confidence = stance.GetProperty("confidence").GetString();
            Assert.Contains(confidence, Vocabulary.Confidences.Values);
            if (confidence != "high") Assert.True(stance.GetProperty("note").GetString()?.Length > 20, $"{id}: a {confidence} reading without a note");
        }
    }

    [Fact]
    public async Task Every_quote_stands_at_its_offsets_in_its_article_body()
    {
        var stances = await AllAsync("stances");
        Assert.True(stances.Count >= 25, $"only {stances.Count} stances");
        var bodies = new Dictionary<string, string>();
        foreach (var stance in stances)
        {
            var articleId = stance.GetProperty("article").GetProperty("id").GetString()!;
            if (!bodies.TryGetValue(articleId, out var body))
                bodies[articleId] = body = (await app.GetJsonAsync($"/v1/articles/{articleId}")).GetProperty("body").GetString()!;
            var quote = stance.GetProperty("quote");
            var text = quote.GetProperty("text").GetString()!;
            Assert.Equal(text, CodePointSlice(body, quote.GetProperty("start").GetInt32(), quote.GetProperty("end").GetInt32()));
            Assert.True(text.Length >= 20, $"{stance.GetProperty("id")}: a quote this short shows no position");
            Assert.Equal(body.IndexOf(text, StringComparison.Ordinal), body.LastIndexOf(text, StringComparison.Ordinal)); // once in its body
        }
    }

    [Fact]
    public async Task The_spliced_sentence_is_documented_where_it_stands_and_no_stance_quotes_it_there()
    {
        var article = await app.GetJsonAsync("/v1/articles/point-of-no-return-aslan-ismailov");
        var body = article.GetProperty("body").GetString()!;
        var splice = Assert.Single(article.GetProperty("captureNotes").EnumerateArray());
        var (start, end) = (splice.GetProperty("start").GetInt32(), splice.GetProperty("end").GetInt32());
        Assert.Equal(splice.GetProperty("text").GetString(), CodePointSlice(body, start, end));
        Assert.StartsWith("If Putin keeps stoking this", splice.GetProperty("text").GetString());
        foreach (var stance in article.GetProperty("stances").EnumerateArray())
        {
            var quote = stance.GetProperty("quote");
            Assert.False(quote.GetProperty("start").GetInt32() < end && start < quote.GetProperty("end").GetInt32(), $"{stance.GetProperty("id")} quotes the splice");
        }
    }

    [Fact]
    public async Task Every_reference_resolves()
    {
        var client = app.CreateClient();
        async Task Resolves(string url) => Assert.True((await client.GetAsync(url)).IsSuccessStatusCode, $"{url} does not resolve");

        foreach (var stance in await AllAsync("stances"))
        {
            await Resolves($"/v1/topics/{stance.GetProperty("topic").GetProperty("id").GetString()}");
            await Resolves($"/v1/articles/{stance.GetProperty("article").GetProperty("id").GetString()}");
            await Resolves($"/v1/authors/{stance.GetProperty("author").GetProperty("id").GetString()}");
            if (stance.GetProperty("attribution").GetProperty("via") is { ValueKind: JsonValueKind.Object } via)
                await Resolves($"/v1/authors/{via.GetProperty("id").GetString()}");
        }
        foreach (var summary in await AllAsync("articles"))
        {
            var article = await app.GetJsonAsync($"/v1/articles/{summary.GetProperty("id").GetString()}");
            if (article.GetProperty("outlet").ValueKind != JsonValueKind.Null)
                await Resolves($"/v1/outlets/{article.GetProperty("outlet").GetProperty("id").GetString()}");
            if (article.GetProperty("republishedFrom") is { ValueKind: JsonValueKind.Object } republished && republished.GetProperty("outlet").ValueKind != JsonValueKind.Null)
                await Resolves($"/v1/outlets/{republished.GetProperty("outlet").GetProperty("id").GetString()}");
            foreach (var credit in article.GetProperty("credits").EnumerateArray())
                await Resolves($"/v1/authors/{credit.GetProperty("author").GetProperty("id").GetString()}");
        }
    }

    [Fact]
    public async Task Stances_cover_the_topics_and_articles_as_curated()
    {
        var stances = await AllAsync("stances");
        var topics = await AllAsync("topics");
        Assert.True(topics.Count >= 6, $"only {topics.Count} topics");
        foreach (var article in await AllAsync("articles"))
            Assert.True(article.GetProperty("stanceCount").GetInt64() >= 3, $"{article.GetProperty("id")} has fewer than three stances");

        // A disagreement is between positions held at the same time: 2022 against 2025 is a difference in time.
        var disagreements = 0;
        foreach (var topic in topics)
        {
            var id = topic.GetProperty("id").GetString()!;
            var onTopic = (await app.GetJsonAsync($"/v1/topics/{id}/stances?limit=100")).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(stances.Count(s => s.GetProperty("topic").GetProperty("id").GetString() == id), onTopic.Count);
            var articles = onTopic.Select(s => s.GetProperty("article").GetProperty("id").GetString()).Distinct().Count();
            Assert.True(articles >= 2, $"topic {id} has stances from only {articles} article(s)");
            if (onTopic.GroupBy(s => s.GetProperty("heldAt").GetProperty("date").GetString()![..4])
                .Any(year => year.Any(s => s.GetProperty("position").GetString() == "supports") && year.Any(s => s.GetProperty("position").GetString() == "opposes")))
                disagreements++;
        }
        Assert.True(disagreements >= 8, $"only {disagreements} topics show supports and opposes held in the same year");
    }

    public static TheoryData<string, string, string, string> Bodies => new()
    {
        // article, its source capture, the piece's first sentence, its last sentence
        { "point-of-no-return-aslan-ismailov", "000_825315227a47cb2a.txt",
          "He is one of Azerbaijan’s best-known lawyers and an outspoken human rights defender",
          "If Putin keeps stoking this, if he pushes for further escalation, it will lead to the break-up of Russia." },
        { "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky", "001_7c1718c6f3a118fd.txt",
          "Russia is losing the South Caucasus.",
          "After all, the potential gain for him and Turkey is dominance in the South Caucasus." },
        { "empire-collapsing-but-not-russia-denysenko", "002_5b40b3e66b7f4eb1.txt",
          "It can already be said with certainty that the actions of Russian law enforcement in Yekaterinburg were definitely not accidental.",
          "That would be one of the best outcomes for us." },
        { "kremlin-fears-russia-azerbaijan-brink-of-war", "003_6d14008f3c105cae.txt",
          "Azerbaijani President Ilham Aliyev's call on the Ukrainian people",
          "Russia is likely to respond to this process through various means of pressure." },
        { "putin-aliyev-what-is-this-game", "004_cfe7e7b659733f68.txt",
          "The signing of a package of documents on allied relations with Putin’s Russia",
          "So that Azerbaijan does not have to do it again, to oppose the new pro-Moscow authorities." },
    };

    [Theory, MemberData(nameof(Bodies))]
    public async Task Each_body_keeps_the_piece_from_first_to_last_sentence_in_the_sources_own_words(string id, string source, string first, string last)
    {
        var body = (await app.GetJsonAsync($"/v1/articles/{id}")).GetProperty("body").GetString()!;
        var raw = await File.ReadAllTextAsync(Path.Combine(SeedFolder, "sources", source));
        Assert.StartsWith(first, body);
        Assert.EndsWith(last, body);
        Assert.Contains(first, raw);
        Assert.Contains(last, raw);
        // Nothing invented or rewritten: every paragraph is a line of the capture, verbatim.
        var lines = raw.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).ToHashSet();
        foreach (var paragraph in body.Split("\n\n"))
            Assert.True(lines.Contains(paragraph), $"{id}: this paragraph is not a line of {source}: {paragraph[..Math.Min(80, paragraph.Length)]}");
    }

    public static TheoryData<string, string[]> Furniture => new()
    {
        // Markers picked from each raw capture's navigation, widgets and footer.
        { "point-of-no-return-aslan-ismailov", ["View All Result", "Related Posts", "ShareShareTweet", "Tags:", "Reading Time", "Recommended",
            "Silknet eSIM", "2000-2024 © Georgia Today", "Interview by Vazha Tavberidze", "Business & Economy", "Highlights", "Trending"] },
        { "aliyev-erdogan-show-kremlin-who-is-master-preobrazhensky", ["Support\nthe website", "Sim Sim", "Charter 97!", "Categories",
            "Write your comment", "Follow Charter97.org", "17 December 2025", "Ivan Preobrazhensky, \"Deutsche Welle\"", "Ilham Aliyev and Recep Tayyip Erdogan\n"] },
        { "empire-collapsing-but-not-russia-denysenko", ["About the author", "The editorial team does not always share", "- News", "Escalation of Russia–Azerbaijan relations: empire is collapsing"] },
        { "kremlin-fears-russia-azerbaijan-brink-of-war", ["23.07.2025 10:29", "\n101\n", "Kremlin fears: Is Russia-Azerbaijan on the brink of war?"] },
        { "putin-aliyev-what-is-this-game", ["2015 — 2023 ©", "All rights reserved", "Putin — Aliyev: What is this game and who will win?"] },
    };

    [Theory, MemberData(nameof(Furniture))]
    public async Task No_body_contains_the_captures_page_furniture(string id, string[] markers)
    {
        var body = "\n" + (await app.GetJsonAsync($"/v1/articles/{id}")).GetProperty("body").GetString()! + "\n";
        foreach (var marker in markers) Assert.DoesNotContain(marker, body);
    }

    [Fact]
    public async Task Every_articles_provenance_hash_matches_its_source_file()
    {
        var shared = Path.Combine(ContractTests.RepositoryRoot(), "..", "shared", "seeds");
        foreach (var summary in await AllAsync("articles"))
        {
            var provenance = (await app.GetJsonAsync($"/v1/articles/{summary.GetProperty("id").GetString()}")).GetProperty("provenance");
            var file = provenance.GetProperty("sourceFile").GetString()!;
            var bytes = await File.ReadAllBytesAsync(Path.Combine(SeedFolder, "sources", file));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), provenance.GetProperty("sha256").GetString());
            // Where the original drop sits beside the repository (as in CI), the kept copy must be identical.
            if (Directory.Exists(shared)) Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(shared, file)), bytes);
        }
    }

    [Fact]
    public async Task Loading_the_corpus_again_changes_nothing()
    {
        await using var connection = await app.OpenAsync();
        var before = await SnapshotAsync(connection);
        var report = await CorpusImport.ApplyAsync(connection, SeedCorpus.LoadManifest(), SeedCorpus.ReadBody);
        Assert.False(report.ChangedAnything, report.ToString());
        Assert.Equal(5, report.Articles.Unchanged);
        Assert.Equal(before, await SnapshotAsync(connection));
    }

    [Fact]
    public async Task An_invalid_manifest_is_refused_whole_with_every_error_and_writes_nothing()
    {
        await using var connection = await app.OpenAsync();
        var before = await SnapshotAsync(connection);
        var manifest = SeedCorpus.LoadManifest();
        var broken = manifest with
        {
            Outlets = [.. manifest.Outlets, new Outlets.OutletDocument { Id = "new-outlet", Name = "New Outlet", Kind = "newspaper", Country = "GE" }],
            Stances = [.. manifest.Stances.Select((s, i) => i == 0 ? s with { Start = s.Start + 1 } : i == 1 ? s with { Topic = "no-such-topic" } : s)],
        };
        var error = await Assert.ThrowsAsync<CorpusValidationException>(() => CorpusImport.ApplyAsync(connection, broken, SeedCorpus.ReadBody));
        Assert.Contains("stances[0].quote", error.Errors.Keys);
        Assert.Contains("stances[1].topic", error.Errors.Keys);
        Assert.Equal(before, await SnapshotAsync(connection));
    }

    private static async Task<string> SnapshotAsync(System.Data.Common.DbConnection connection)
    {
        var snapshot = new StringBuilder();
        foreach (var table in new[] { "outlets", "authors", "topics", "articles", "credits", "stances" })
        foreach (var row in await connection.QueryAsync($"SELECT * FROM {table} ORDER BY 1, 2"))
            snapshot.Append(table).Append(JsonSerializer.Serialize((IDictionary<string, object>)row)).Append('\n');
        return snapshot.ToString();
    }
}
