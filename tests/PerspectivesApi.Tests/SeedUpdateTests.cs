using System.Text.Json;
using Dapper;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>`seed update` brings an archive loaded from the schema-6 corpus, and changed by curators since,
/// to the current corpus: as revisions by seed-corpus, leaving every curator's change alone, and a second
/// run changes nothing.</summary>
public sealed class SeedUpdateTests : IDisposable
{
    private readonly ArchiveApp app = new();

    private async Task<(int Exit, string Output)> RunAsync()
    {
        using var output = new StringWriter();
        var exit = await SeedCommand.RunAsync(["seed", "update"], app.Services, output, output);
        return (exit, output.ToString());
    }

    private async Task<long> RevisionCountAsync()
    {
        await using var connection = await app.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM revisions");
    }

    [Fact]
    public async Task An_old_archive_is_brought_to_the_corpus_as_revisions_without_overwriting_curators_and_a_second_run_changes_nothing()
    {
        await SchemaSixArchive.CreateForAsync(app);
        var revisionsBefore = await RevisionCountAsync(); // the service has migrated it to schema 7 meanwhile

        var (exit, output) = await RunAsync();
        Assert.True(exit == 0, output);
        Assert.Contains("authors: 8 created, 0 updated, 0 deleted, 8 unchanged", output);
        Assert.Contains("topics: 12 created, 7 updated, 0 deleted, 0 unchanged", output);
        Assert.Contains("articles: 0 created, 5 updated, 0 deleted, 0 unchanged", output);
        Assert.Contains("stances: 37 created, 32 updated, 1 deleted, 0 unchanged", output);
        // What curators changed is left alone, and said so.
        var leftAlone = output.Split('\n').Where(l => l.StartsWith("left alone: ")).ToList();
        Assert.Equal(3, leftAlone.Count);
        Assert.Contains(leftAlone, l => l.StartsWith($"left alone: stances/{SchemaSixArchive.EditedStance}: Changed by a curator") && l.Contains("alice"));
        Assert.Contains(leftAlone, l => l.StartsWith($"left alone: topics/{SchemaSixArchive.EditedTopic}: Changed by a curator"));
        Assert.Contains(leftAlone, l => l.StartsWith($"left alone: stances/{SchemaSixArchive.DeletedStance}: Deleted by a curator"));

        var edited = await app.GetJsonAsync($"/v1/stances/{SchemaSixArchive.EditedStance}");
        Assert.Equal(SchemaSixArchive.EditedSummary, edited.GetProperty("summary").GetString());
        Assert.Equal(SchemaSixArchive.EditedDescription, (await app.GetJsonAsync($"/v1/topics/{SchemaSixArchive.EditedTopic}")).GetProperty("description").GetString());
        using (var deleted = await app.CreateClient().GetAsync($"/v1/stances/{SchemaSixArchive.DeletedStance}")) await ProblemAssert.IsProblemAsync(deleted, 410);
        // Curators' own stances are not the seed's to touch.
        Assert.Equal("alice", (await app.GetJsonAsync($"/v1/stances/{SchemaSixArchive.AlicesStance}")).GetProperty("curator").GetString());
        Assert.Equal("imported", (await app.GetJsonAsync($"/v1/stances/{SchemaSixArchive.ImportedStance}")).GetProperty("method").GetString());

        // The rest is the corpus: the re-read stances, the named voices, the credits that say who made the piece.
        var peskov = await app.GetJsonAsync("/v1/stances/peskov-difficult-time-will-pass");
        Assert.Equal(("neutral", "reported", "editorial-kremlin-fears-russia-azerbaijan-brink-of-war"), (peskov.GetProperty("position").GetString(),
            peskov.GetProperty("attribution").GetProperty("kind").GetString(), peskov.GetProperty("attribution").GetProperty("via").GetProperty("id").GetString()));
        var dyingEmpire = await app.GetJsonAsync("/v1/stances/putin-aliyev-game-dying-empire");
        Assert.Equal(("russian-empire-collapsing", "editorial-putin-aliyev-what-is-this-game"),
            (dyingEmpire.GetProperty("topic").GetProperty("id").GetString(), dyingEmpire.GetProperty("author").GetProperty("id").GetString()));
        var article = await app.GetJsonAsync("/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war");
        Assert.Equal("news", article.GetProperty("genre").GetString());
        Assert.Equal(["editorial-kremlin-fears-russia-azerbaijan-brink-of-war:author"],
            article.GetProperty("credits").EnumerateArray().Select(c => $"{c.GetProperty("author").GetProperty("id").GetString()}:{c.GetProperty("role").GetString()}"));

        // Every change is an ordinary revision in the feed; what was replaced is in its before-state, nothing lost.
        var changes = (await app.GetJsonAsync($"/v1/changes?since={revisionsBefore}&limit=1000")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(8 + 12 + 7 + 5 + 37 + 32 + 1, changes.Count);
        Assert.All(changes, c => Assert.Equal(SeedCorpus.Curator, c.GetProperty("curator").GetString()));
        Assert.All(changes.Where(c => c.GetProperty("action").GetString() != "delete"), c => Assert.Equal(SeedUpdate.Note, c.GetProperty("note").GetString()));
        var removal = Assert.Single(changes, c => c.GetProperty("action").GetString() == "delete");
        Assert.Equal("preobrazhensky-confrontation-only-deepening", removal.GetProperty("id").GetString());
        Assert.StartsWith("'The new round that began in Yekaterinburg", removal.GetProperty("note").GetString());
        var creditsBefore = (await app.GetJsonAsync("/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war/revisions")).GetProperty("items").EnumerateArray().Last()
            .GetProperty("before").GetProperty("credits").EnumerateArray().Select(c => c.GetProperty("role").GetString()).ToList();
        Assert.Equal(["quoted", "quoted", "quoted", "quoted"], creditsBefore);
        await using (var connection = await app.OpenAsync())
            Assert.Empty(await connection.QueryAsync(PerspectivesApi.Topics.TopicTallies.Drift));

        // Applied twice, the second run changes nothing, and still reports what it leaves alone.
        var revisionsAfter = await RevisionCountAsync();
        var (again, secondOutput) = await RunAsync();
        Assert.Equal(0, again);
        Assert.Contains("stances: 0 created, 0 updated, 0 deleted, 69 unchanged", secondOutput);
        Assert.Contains("Nothing to change", secondOutput);
        Assert.Equal(3, secondOutput.Split('\n').Count(l => l.StartsWith("left alone: ")));
        Assert.Equal(revisionsAfter, await RevisionCountAsync());
    }

    [Fact]
    public async Task A_record_that_would_no_longer_validate_against_a_curators_change_is_left_alone_with_the_reason()
    {
        await SchemaSixArchive.CreateForAsync(app);
        // A curator rewrote Denysenko's column after the seed loaded it, so no new quote can stand in it.
        await using (var connection = await app.OpenAsync())
        {
            await connection.ExecuteAsync("DELETE FROM stances WHERE article_id = 'empire-collapsing-but-not-russia-denysenko'");
            await connection.ExecuteAsync("UPDATE articles SET body = 'A rewritten column.' WHERE id = 'empire-collapsing-but-not-russia-denysenko'");
            await connection.ExecuteAsync("""
                INSERT INTO revisions (collection, resource_id, action, curator, at, before, after, note)
                VALUES ('articles', 'empire-collapsing-but-not-russia-denysenko', 'update', 'dora', '2026-01-01T00:00:00.000Z', '{}', '{"body":"A rewritten column."}', NULL)
                """);
        }
        var (exit, output) = await RunAsync();
        Assert.True(exit == 0, output);
        Assert.Contains("left alone: articles/empire-collapsing-but-not-russia-denysenko: Changed by a curator since the seed wrote it (dora, revision", output);
        Assert.Contains("left alone: stances/denysenko-empire-collapse-irreversible: It would not validate against the archive as curators left it: quote", output);
        Assert.Equal("A rewritten column.", (await app.GetJsonAsync("/v1/articles/empire-collapsing-but-not-russia-denysenko")).GetProperty("body").GetString());
        // Everything else was applied.
        Assert.Equal("neutral", (await app.GetJsonAsync("/v1/stances/peskov-difficult-time-will-pass")).GetProperty("position").GetString());
    }

    [Fact]
    public async Task An_archive_loaded_from_the_current_corpus_has_nothing_to_update()
    {
        var revisions = await RevisionCountAsync();
        var (exit, output) = await RunAsync();
        Assert.True(exit == 0, output);
        Assert.Contains("stances: 0 created, 0 updated, 0 deleted, 71 unchanged", output);
        Assert.DoesNotContain("left alone", output);
        Assert.Equal(revisions, await RevisionCountAsync());
    }

    [Fact]
    public async Task An_archive_not_loaded_from_the_seed_is_refused()
    {
        using var empty = new EmptyArchive();
        using var output = new StringWriter();
        Assert.Equal(1, await SeedCommand.RunAsync(["seed", "update"], empty.Services, output, output));
        Assert.Contains("not loaded from the seed corpus", output.ToString());
        await using var connection = await empty.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM revisions"));
    }

    public void Dispose() => app.Dispose();
}
