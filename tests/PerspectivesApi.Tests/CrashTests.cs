using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Xunit.Abstractions;

namespace PerspectivesApi.Tests;

/// <summary>The real binary killed with SIGKILL at several moments of a large import, then started again
/// over the same archive: the archive is sound, and the import is all there or not there at all. On
/// PostgreSQL the server's connection dies with the process, mid-transaction.</summary>
[Collection(RealKestrel.Name)]
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Articles = 1000;
    private const int StancesPerArticle = 3;
    private const int Authors = 40;
    private const int Topics = 5;
    private const int Outlets = 4;

    /// <summary>A manifest whose every id starts with <paramref name="prefix"/>: outlets, authors, topics,
    /// articles of about 2 KB with credits and dates, and stances quoting them (offsets left to the server).</summary>
    private static string Manifest(string prefix)
    {
        string Id(string kind, int i) => $"{prefix}-{kind}-{i}";
        return JsonSerializer.Serialize(new
        {
            outlets = Enumerable.Range(0, Outlets).Select(i => new { id = Id("outlet", i), name = $"Outlet {prefix} {i}", kind = "newspaper", country = "GE", url = (string?)null, description = (string?)null }),
            authors = Enumerable.Range(0, Authors).Select(i => new { id = Id("author", i), name = $"Author {prefix} {i}", affiliation = (string?)null, kind = "person" }),
            topics = Enumerable.Range(0, Topics).Select(i => new { id = Id("topic", i), title = $"Question {i} of {prefix}?", proposition = $"Proposition {i} of {prefix} holds.", description = (string?)null, timeDependent = false }),
            articles = Enumerable.Range(0, Articles).Select(a => new
            {
                id = Id("article", a),
                title = $"Article {a} of {prefix}",
                genre = "news",
                language = "en",
                outlet = Id("outlet", a % Outlets),
                url = (string?)null,
                published = new { date = $"2024-{1 + a % 12:00}-{1 + a % 28:00}", precision = "day", inferred = false, reasoning = "Stated on the page." },
                body = string.Join("\n\n", Enumerable.Range(0, 20).Select(s =>
                    $"Claim {s} of {Id("article", a)} holds that the talks between the two capitals will resume before the winter session ends.")),
                credits = new[] { new { author = Id("author", a % Authors), role = "author" } },
                republishedFrom = (object?)null,
                provenance = (object?)null,
            }),
            stances = Enumerable.Range(0, Articles).SelectMany(a => Enumerable.Range(0, StancesPerArticle).Select(s => new
            {
                id = $"{Id("article", a)}-stance-{s}",
                topic = Id("topic", (a + s) % Topics),
                article = Id("article", a),
                author = Id("author", (a + s + 1) % Authors), // never the article's credited author (a % Authors)
                position = new[] { "supports", "opposes", "mixed", "neutral" }[(a + s) % 4],
                quote = $"Claim {s * 3} of {Id("article", a)} holds",
                summary = "A stance of the crash test.",
                // The voice is not the article's author: its words reach us as the piece reports them.
                attribution = new { kind = "reported", via = Id("author", a % Authors) },
            })),
        });
    }

    /// <summary>The rows, revisions and records every import of a manifest with this prefix writes.</summary>
    private static readonly (string Table, string Where, int Expected)[] Records =
    [
        ("outlets", "id LIKE @prefix", Outlets),
        ("authors", "id LIKE @prefix", Authors),
        ("topics", "id LIKE @prefix", Topics),
        ("articles", "id LIKE @prefix", Articles),
        ("credits", "article_id LIKE @prefix", Articles),
        ("stances", "id LIKE @prefix", Articles * StancesPerArticle),
        ("revisions", "resource_id LIKE @prefix", Outlets + Authors + Topics + Articles + Articles * StancesPerArticle),
    ];

    [Fact]
    public async Task An_import_killed_at_any_moment_is_all_or_nothing_after_a_restart()
    {
        await using var server = await RealServer.StartAsync();
        var key = await server.CreateCuratorKeyAsync("crash");
        HttpClient Curator()
        {
            var client = server.CreateClient(TimeSpan.FromMinutes(5));
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        // How long an import takes here, from the first byte sent to the answer, as the first import of a
        // freshly started process (as every import below is: each follows a restart).
        var measured = Stopwatch.StartNew();
        using (var curator = Curator())
        using (var response = await curator.PostAsync("/v1/imports", new StringContent(Manifest("measure"), Encoding.UTF8, "application/json")))
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var duration = measured.Elapsed;
        await AssertConsistentAsync(server, "measure", expectApplied: true);
        await server.KillAsync();
        await server.RestartAsync();
        output.WriteLine($"an import of {Articles} articles and {Articles * StancesPerArticle} stances took {duration.TotalMilliseconds:0} ms");

        var outcomes = new List<string>();
        // Spread over the import, and once just after it: committed to the WAL, not yet checkpointed.
        foreach (var fraction in new[] { 0.1, 0.3, 0.5, 0.7, 0.9, 1.1 })
        {
            var prefix = $"kill{(int)(fraction * 10)}";
            var manifest = Manifest(prefix);
            var revisionBefore = await RevisionAsync(server);
            var sentAt = DateTime.UtcNow;

            using var curator = Curator();
            var import = curator.PostAsync("/v1/imports", new StringContent(manifest, Encoding.UTF8, "application/json"));
            await Task.Delay(duration * fraction);
            await server.KillAsync();
            var answered = await import.ContinueWith(t => t.IsCompletedSuccessfully && t.Result.StatusCode == HttpStatusCode.OK);
            var walWritten = !server.OnPostgres && File.GetLastWriteTimeUtc(server.DatabasePath + "-wal") > sentAt;

            await server.RestartAsync();
            var applied = await AssertConsistentAsync(server, prefix, expectApplied: answered ? true : null);
            var revisionAfter = await RevisionAsync(server);
            // The archive's revision moved exactly when the import was applied.
            Assert.True(applied ? revisionAfter > revisionBefore : revisionAfter == revisionBefore,
                $"{prefix}: applied {applied}, revision {revisionBefore} → {revisionAfter}");
            outcomes.Add($"killed at {fraction:P0} ({(duration * fraction).TotalMilliseconds:0} ms): {(applied ? "applied" : "not applied")}" +
                         $"{(answered ? ", answered first" : "")}{(walWritten ? ", the WAL was written to meanwhile" : "")}");
        }
        output.WriteLine(string.Join("\n", outcomes));

        // The restarted service serves what the file holds.
        using var reader = server.CreateClient();
        var total = JsonDocument.Parse(await reader.GetStringAsync("/v1/articles?count=true&limit=1")).RootElement.GetProperty("total").GetInt32();
        await using var connection = await server.OpenDatabaseAsync();
        Assert.Equal(await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM articles"), total);
    }

    private static async Task<long> RevisionAsync(RealServer server)
    {
        await using var connection = await server.OpenDatabaseAsync();
        return await connection.ExecuteScalarAsync<long>(PerspectivesApi.Http.ArchiveRevision.Query);
    }

    /// <summary>The archive passes its engine's integrity checks and its search indexes hold exactly the indexed
    /// text, the tallies equal a recount, and the manifest's records are all there (with a revision each) or
    /// none is. Returns whether they are there.</summary>
    private static async Task<bool> AssertConsistentAsync(RealServer server, string prefix, bool? expectApplied)
    {
        await using var connection = await server.OpenDatabaseAsync();
        if (server.OnPostgres)
        {
            // amcheck (contrib, in Debian's postgresql package) verifies every B-tree index of the archive's tables;
            // the full-text rows are compared with the text they index, as FTS5's integrity-check does.
            await connection.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS amcheck");
            var checkedIndexes = await connection.ExecuteScalarAsync<int>("""
                SELECT count(bt_index_check(c.oid, true)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace
                """);
            Assert.True(checkedIndexes > 10, $"only {checkedIndexes} B-tree indexes were checked");
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("""
                SELECT (SELECT count(*) FROM articles a FULL JOIN articles_fts f ON f.rowid = a.rowid
                        WHERE a.rowid IS NULL OR f.rowid IS NULL OR f.search <> archive_article_search(a.title, a.body))
                     + (SELECT count(*) FROM stances s FULL JOIN stances_fts f ON f.rowid = s.rowid
                        WHERE s.rowid IS NULL OR f.rowid IS NULL OR f.search <> archive_stance_search(s.quote))
                """));
        }
        else
        {
            Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
            await connection.ExecuteAsync("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')");
            await connection.ExecuteAsync("INSERT INTO stances_fts (stances_fts) VALUES ('integrity-check')");
        }
        Assert.Empty(await connection.QueryAsync(PerspectivesApi.Topics.TopicTallies.Drift));

        var counts = new List<(string Table, int Count, int Expected)>();
        foreach (var (table, where, expected) in Records)
            counts.Add((table, await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM {table} WHERE {where}", new { prefix = prefix + "-%" }), expected));
        var described = string.Join(", ", counts.Select(c => $"{c.Table} {c.Count}/{c.Expected}"));
        var all = counts.All(c => c.Count == c.Expected);
        Assert.True(all || counts.All(c => c.Count == 0), $"{prefix}: partly applied: {described}");
        if (expectApplied is { } applied) Assert.True(all == applied, $"{prefix}: expected applied = {applied}: {described}");
        return all;
    }
}
