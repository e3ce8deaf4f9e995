using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>Issue 16: "which documents match must not differ" between the providers. The archive the service
/// serves (on PostgreSQL in that pass) is copied into a SQLite file, and the service's answer to each search is
/// compared with what FTS5 itself matches in the copy: every word of the corpus's vocabulary that the sample
/// draws, its prefix, and queries with each operator of the syntax. On SQLite the two are one engine, so the
/// test is worth most in CI's PostgreSQL pass.</summary>
public sealed partial class SearchEquivalenceTests(ArchiveApp app) : IClassFixture<ArchiveApp>, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-equivalence-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    private static readonly string[] Composed =
    [
        "russia AND azerbaijan", "russia OR pipeline", "azerbaijan NOT russia", "(baku OR moscow) AND arrest*",
        "\"foreign ministry\"", "\"russian house\"", "aliyev putin", "Россия", "azərbaycan", "AZERBAIJAN", "kremlin*",
        "relations NOT (war OR crash)", "\"plane crash\" OR detained",
        // Words of no letters or digits (an emoji, punctuation in a phrase) have no tokens: the contract fuzz found the
        // first answered 500 on PostgreSQL.
        "😀", "\"…\"", "(😀)", "😀 OR russia", "russia NOT 😀", "😀 russia",
    ];

    [Fact]
    public async Task Every_search_matches_the_documents_FTS5_matches_in_a_copy_of_the_archive()
    {
        var copy = Path.Combine(directory, "copy.db");
        _ = app.Services;
        using (var target = new Database(copy, pooling: false))
            await ArchiveCopy.CopyAsync(app.Services.GetRequiredService<Database>(), target);
        await using var fts5 = new SqliteConnection($"Data Source={copy};Pooling=False");
        await fts5.OpenAsync();

        // A sample of the corpus's own words: every 12th distinct word of its articles, and the first four letters of every 36th as a prefix.
        var bodies = await fts5.QueryAsync<string>("SELECT title || ' ' || body FROM articles");
        var words = bodies.SelectMany(b => WordPattern().Matches(b).Select(m => m.Value.ToLowerInvariant())).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(words.Count > 500, $"the corpus has only {words.Count} distinct words");
        var queries = words.Where((_, i) => i % 12 == 0)
            .Concat(words.Where((w, i) => i % 36 == 0 && w.Length > 4).Select(w => w[..4] + "*"))
            .Concat(Composed).ToList();

        var differences = new List<string>();
        foreach (var q in queries)
        {
            foreach (var (collection, index, table) in new[] { ("articles", "articles_fts", "articles"), ("stances", "stances_fts", "stances") })
            {
                var expected = (await fts5.QueryAsync<string>(
                    $"SELECT t.id FROM {index} JOIN {table} t ON t.rowid = {index}.rowid WHERE {index} MATCH @q", new { q })).Order(StringComparer.Ordinal).ToList();
                var served = await IdsAsync($"/v1/{collection}?q={Uri.EscapeDataString(q)}&limit=100");
                if (!expected.SequenceEqual(served))
                    differences.Add($"{collection} q={q}: FTS5 {expected.Count} [{string.Join(", ", expected.Except(served).Take(3))}…], served {served.Count} [{string.Join(", ", served.Except(expected).Take(3))}…]");
            }
        }
        Assert.True(queries.Count > 80, $"only {queries.Count} queries");
        Assert.True(differences.Count == 0, $"{differences.Count} of {queries.Count * 2} searches differ:\n{string.Join("\n", differences)}");
    }

    private async Task<List<string>> IdsAsync(string url)
    {
        var ids = new List<string>();
        using var client = app.CreateClient();
        var next = url;
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {next} answered {(int)response.StatusCode}: {body}");
            var page = JsonDocument.Parse(body).RootElement;
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            next = page.TryGetProperty("nextCursor", out var cursor) && cursor.ValueKind == JsonValueKind.String
                ? $"{url}&cursor={Uri.EscapeDataString(cursor.GetString()!)}" : null;
        }
        return ids.Order(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex WordPattern();
}
