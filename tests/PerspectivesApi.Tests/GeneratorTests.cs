using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>The benchmark generator makes a consistent archive: the counts asked for, every
/// reference resolving, every quote at its offsets, marker terms at their rates, the same archive for
/// the same seed; and the service serves it.</summary>
public sealed class GeneratorTests : IDisposable
{
    private const int Articles = 3_000;
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-generator-").FullName;

    private async Task<Database> GenerateAsync(string name, int seed)
    {
        var database = new Database(Path.Combine(directory, name));
        await ArchiveGenerator.GenerateAsync(database, new GeneratorOptions(Articles, seed), TextWriter.Null);
        return database;
    }

    [Fact]
    public async Task The_generated_archive_is_consistent()
    {
        var database = await GenerateAsync("a.db", 7);
        await using var connection = await database.OpenAsync();
        var options = new GeneratorOptions(Articles, 7);

        Assert.Equal(Articles, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM articles"));
        Assert.Equal(options.Outlets, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outlets"));
        Assert.Equal(options.Authors + options.EditorialVoices, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM authors"));
        Assert.Equal(["editorial", "group", "institution", "person"], await connection.QueryAsync<string>("SELECT DISTINCT kind FROM authors ORDER BY kind"));
        Assert.Equal(options.Topics, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM topics"));
        var stances = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM stances");
        Assert.InRange(stances / (double)Articles, 2.7, 3.3);

        Assert.Empty(await connection.QueryAsync("PRAGMA foreign_key_check"));
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        foreach (var (quote, start, end, body) in await connection.QueryAsync<(string, long, long, string)>(
                     "SELECT s.quote, s.quote_start, s.quote_end, a.body FROM stances s JOIN articles a ON a.id = s.article_id"))
            Assert.Equal(quote, ArticleText.Slice(body, (int)start, (int)end));

        Assert.Equal(Articles / 10, await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '{ArchiveGenerator.CommonTerm}'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '{ArchiveGenerator.RareTerm}'"));
        // Each index is one merged segment (FullTextIndexes.Rebuild): a search looks its terms up once, not once per segment.
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(DISTINCT segid) FROM articles_fts_idx"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(DISTINCT segid) FROM stances_fts_idx"));
        Assert.Equal(37, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'")); // restored
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM articles a WHERE stance_count <> (SELECT count(*) FROM stances s WHERE s.article_id = a.id)"));
        // Every generated stance says how its words reach us, when it was held and how it was read, as the API would require.
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM stances s JOIN articles a ON a.id = s.article_id
            WHERE s.author_id IS NULL OR s.attribution_kind IS NULL OR s.method IS NULL OR s.curator IS NULL OR s.confidence IS NULL
               OR (s.attribution_kind IN ('quoted', 'reported')) <> (s.attribution_via IS NOT NULL)
               OR (s.held_date IS NULL) <> (a.published_date IS NULL)
               OR (s.confidence <> 'high' AND s.note IS NULL)
               OR (s.attribution_kind = 'own-words' AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.article_id = s.article_id AND c.author_id = s.author_id))
            """));
        Assert.Empty(await connection.QueryAsync("SELECT 1 FROM credits WHERE role = 'quoted'"));
        foreach (var column in new[] { "attribution_kind", "held_precision", "confidence", "conditional" })
            Assert.True(await connection.ExecuteScalarAsync<long>($"SELECT count(DISTINCT {column}) FROM stances") >= 2, $"every generated stance has the same {column}");
        Assert.Empty(await connection.QueryAsync(PerspectivesApi.Topics.TopicTallies.Drift)); // summaries count what was generated
        var words = await connection.ExecuteScalarAsync<double>("SELECT avg(length(body) - length(replace(body, ' ', '')) + 1) FROM articles");
        Assert.InRange(words, 250, 450);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_archive_and_another_seed_another()
    {
        async Task<string> FingerprintAsync(Database database)
        {
            await using var connection = await database.OpenAsync();
            var text = new StringBuilder();
            foreach (var row in await connection.QueryAsync<string>("SELECT id || title || body || coalesce(outlet_id, '') || coalesce(published_date, '') FROM articles ORDER BY id"))
                text.Append(row);
            foreach (var row in await connection.QueryAsync<string>("SELECT id || topic_id || position || quote || coalesce(author_id, '') FROM stances ORDER BY id"))
                text.Append(row);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
        var first = await FingerprintAsync(await GenerateAsync("one.db", 3));
        Assert.Equal(first, await FingerprintAsync(await GenerateAsync("two.db", 3)));
        Assert.NotEqual(first, await FingerprintAsync(await GenerateAsync("three.db", 4)));
    }

    [Fact]
    public async Task The_generator_refuses_an_archive_that_is_not_empty()
    {
        var database = await GenerateAsync("full.db", 1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => ArchiveGenerator.GenerateAsync(database, new GeneratorOptions(10), TextWriter.Null));
    }

    [Fact]
    public async Task The_service_serves_a_generated_archive()
    {
        using var app = new EmptyArchive();
        _ = app.Services; // migrated, not seeded
        // Into the service's own database, whichever the provider.
        await ArchiveGenerator.GenerateAsync(app.Services.GetRequiredService<Database>(), new GeneratorOptions(Articles, 2), TextWriter.Null);
        var page = await app.GetJsonAsync($"/v1/articles?count=true&q={ArchiveGenerator.CommonTerm}&limit=5");
        Assert.Equal(Articles / 10, page.GetProperty("total").GetInt64());
        Assert.Equal(5, page.GetProperty("items").GetArrayLength());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
