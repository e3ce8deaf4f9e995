using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Articles;
using PerspectivesApi.Authors;
using PerspectivesApi.Curation;
using PerspectivesApi.Outlets;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Data;

/// <summary>A record of the corpus the update did not write, and why.</summary>
public sealed record LeftAlone(string Collection, string Id, string Reason);

/// <summary>What bringing an archive's seed content to the current corpus did.</summary>
public sealed record SeedUpdateReport(ImportReport Applied, IReadOnlyList<LeftAlone> LeftAlone);

/// <summary>Brings the seed content of an existing archive to the corpus this build carries, as ordinary
/// revisions by seed-corpus (visible in /v1/changes), through the same validation and upsert as every
/// import. A record is written only where the archive still holds what the seed last wrote: one a
/// curator changed, deleted or made since is left alone and reported, and so is one that would no
/// longer validate against what curators left around it. Applied twice, the second run changes nothing.</summary>
public static partial class SeedUpdate
{
    public const string Note = "db/seed update";

    public static async Task<SeedUpdateReport> ApplyAsync(DbConnection connection, CorpusManifest manifest, Func<string, string> readBody)
    {
        manifest = manifest with { Articles = [.. manifest.Articles.Select(a => a with { Body = readBody(a.Body) })] };
        await connection.ExecuteAsync(SqlDialect.Of(connection).BeginWrite);
        try
        {
            var seeded = await connection.ExecuteScalarAsync<string?>("SELECT value FROM meta WHERE key = 'corpus_seeded_at'");
            if (seeded is null || seeded.StartsWith("generated", StringComparison.Ordinal))
                throw new InvalidOperationException("This archive was not loaded from the seed corpus, so it has no seed content to update.");

            var leftAlone = new List<LeftAlone>();
            var candidate = new CorpusManifest(
                await SeedsAsync(connection, OutletWrites.Model, manifest.Outlets, leftAlone),
                await SeedsAsync(connection, AuthorWrites.Model, manifest.Authors, leftAlone),
                await SeedsAsync(connection, TopicWrites.Model, manifest.Topics, leftAlone),
                await SeedsAsync(connection, ArticleWrites.Model, manifest.Articles, leftAlone),
                await SeedsAsync(connection, StanceWrites.Model, manifest.Stances, leftAlone),
                await RemovalsAsync(connection, manifest.Removed ?? [], leftAlone));

            // What curators left may make a seed record invalid (a stance quoting a body a curator
            // rewrote): leave such records alone too, and those that then lose what they refer to.
            while (true)
            {
                var errors = new FieldErrors();
                var validated = await CorpusImport.ValidateAsync(new WriteContext(connection) { Curator = SeedCorpus.Curator }, candidate, errors);
                if (errors.Count == 0)
                {
                    var report = await CorpusImport.UpsertAsync(connection, validated, SeedCorpus.Curator, Note);
                    await connection.ExecuteAsync("COMMIT");
                    return new SeedUpdateReport(report, leftAlone);
                }
                candidate = WithoutInvalid(candidate, errors.ToDictionary(), leftAlone);
            }
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK");
            throw;
        }
    }

    /// <summary>The records of one list the seed may still write.</summary>
    private static async Task<List<T>> SeedsAsync<T>(DbConnection connection, WriteModel<T> model, IReadOnlyList<T> documents, List<LeftAlone> leftAlone)
        where T : class
    {
        var kept = new List<T>();
        foreach (var document in documents)
        {
            var id = model.IdOf(document)!;
            var reason = await CuratorsClaimAsync(connection, model.Collection, id, await model.LoadAsync(connection, id));
            if (reason is null) kept.Add(document);
            else leftAlone.Add(new LeftAlone(model.Collection, id, reason));
        }
        return kept;
    }

    /// <summary>The stances the corpus removes that the archive holds as the seed left them.</summary>
    private static async Task<List<RemovedEntry>> RemovalsAsync(DbConnection connection, IEnumerable<RemovedEntry> removed, List<LeftAlone> leftAlone)
    {
        var kept = new List<RemovedEntry>();
        foreach (var entry in removed)
        {
            if (await StanceWrites.Model.LoadAsync(connection, entry.Id) is not { } current) continue; // already gone
            var reason = await CuratorsClaimAsync(connection, entry.Collection, entry.Id, current);
            if (reason is null) kept.Add(entry);
            else leftAlone.Add(new LeftAlone(entry.Collection, entry.Id, reason + " The corpus removes it: " + entry.Reason));
        }
        return kept;
    }

    private sealed class RevisionRow
    {
        public long Seq { get; init; }
        public string Action { get; init; } = "";
        public string Curator { get; init; } = "";
        public string? After { get; init; }
    }

    /// <summary>Why the record belongs to curators now, or null when the seed may write it: it does not
    /// exist and no one made it, or it holds what the seed last wrote (fields added since that write
    /// aside), or no revision records it (it was loaded before the archive kept a history).</summary>
    private static async Task<string?> CuratorsClaimAsync(DbConnection connection, string collection, string id, object? current)
    {
        var revisions = (await connection.QueryAsync<RevisionRow>(
            "SELECT seq, action, curator, after FROM revisions WHERE collection = @collection AND resource_id = @id ORDER BY seq",
            new { collection, id })).ToList();
        if (revisions.Count == 0) return null;
        var lastBySomeoneElse = revisions.LastOrDefault(r => r.Curator != SeedCorpus.Curator);
        var lastBySeed = revisions.LastOrDefault(r => r.Curator == SeedCorpus.Curator);
        if (lastBySeed is null)
            return current is null
                ? $"The id belonged to a record {lastBySomeoneElse!.Curator} made and deleted (revision {lastBySomeoneElse.Seq}); ids are never reused."
                : $"{revisions[0].Curator} made it (revision {revisions[0].Seq}); the seed never wrote it.";

        var seedState = lastBySeed.After is null ? null : JsonNode.Parse(lastBySeed.After);
        var currentState = current is null ? null : JsonSerializer.SerializeToNode(current, current.GetType(), History.Json);
        if (seedState is null && currentState is null) return null; // the seed deleted it and brings it back
        if (currentState is not null && seedState is not null && Holds(currentState, seedState)) return null;
        var by = lastBySomeoneElse is { } other && other.Seq > lastBySeed.Seq ? $" ({other.Curator}, revision {other.Seq})" : "";
        return currentState is null
            ? $"Deleted by a curator since the seed wrote it{by}."
            : seedState is null ? $"Restored by a curator after the seed deleted it{by}." : $"Changed by a curator since the seed wrote it{by}.";
    }

    /// <summary>Whether <paramref name="current"/> holds everything <paramref name="recorded"/> does,
    /// member for member: fields a later schema added (absent from an older revision) do not count.</summary>
    private static bool Holds(JsonNode? current, JsonNode? recorded) => recorded switch
    {
        JsonObject record => current is JsonObject now && record.All(m => now.TryGetPropertyValue(m.Key, out var value) && Holds(value, m.Value)),
        JsonArray list => current is JsonArray items && items.Count == list.Count && list.Select((item, i) => Holds(items[i], item)).All(same => same),
        _ => JsonNode.DeepEquals(current, recorded),
    };

    [GeneratedRegex(@"^(?<list>outlets|authors|topics|articles|stances|removed)\[(?<index>\d+)\]")]
    private static partial Regex ManifestPlace();

    /// <summary>The manifest without the records that have errors, each reported as left alone.</summary>
    private static CorpusManifest WithoutInvalid(CorpusManifest manifest, IDictionary<string, string[]> errors, List<LeftAlone> leftAlone)
    {
        var failing = new Dictionary<(string List, int Index), List<string>>();
        foreach (var (field, messages) in errors)
        {
            var place = ManifestPlace().Match(field);
            if (!place.Success) throw new InvalidDataException($"The seed corpus does not validate: {field}: {string.Join(" ", messages)}");
            var key = (place.Groups["list"].Value, int.Parse(place.Groups["index"].Value));
            if (!failing.TryGetValue(key, out var list)) failing[key] = list = [];
            list.Add($"{field[place.Length..].TrimStart('.')} {string.Join(" ", messages)}".Trim());
        }

        List<T> Keep<T>(string name, IReadOnlyList<T> records, Func<T, string> idOf)
        {
            var kept = new List<T>();
            for (var i = 0; i < records.Count; i++)
            {
                if (failing.TryGetValue((name, i), out var why))
                    leftAlone.Add(new LeftAlone(name == "removed" ? StanceWrites.Model.Collection : name, idOf(records[i]),
                        "It would not validate against the archive as curators left it: " + string.Join("; ", why)));
                else kept.Add(records[i]);
            }
            return kept;
        }
        return new CorpusManifest(
            Keep("outlets", manifest.Outlets, d => d.Id!), Keep("authors", manifest.Authors, d => d.Id!),
            Keep("topics", manifest.Topics, d => d.Id!), Keep("articles", manifest.Articles, d => d.Id),
            Keep("stances", manifest.Stances, d => d.Id), Keep("removed", manifest.Removed ?? [], d => d.Id));
    }
}

/// <summary>The command line for the seed corpus: <c>seed update</c> brings an existing archive's seed
/// content to the corpus this build carries, and prints what it did and what it left alone.</summary>
public static class SeedCommand
{
    public static bool Matches(string[] args) => args is ["seed", ..];

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error)
    {
        if (args is not ["seed", "update"])
        {
            await error.WriteLineAsync("usage: seed update");
            return 2;
        }
        await using var connection = await services.GetRequiredService<Database>().OpenAsync();
        SeedUpdateReport report;
        try { report = await SeedUpdate.ApplyAsync(connection, SeedCorpus.LoadManifest(), SeedCorpus.ReadBody); }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
        var applied = report.Applied;
        foreach (var (name, counts) in new[] { ("outlets", applied.Outlets), ("authors", applied.Authors), ("topics", applied.Topics), ("articles", applied.Articles), ("stances", applied.Stances) })
            await output.WriteLineAsync($"{name}: {counts.Created} created, {counts.Updated} updated, {counts.Deleted} deleted, {counts.Unchanged} unchanged");
        foreach (var left in report.LeftAlone)
            await output.WriteLineAsync($"left alone: {left.Collection}/{left.Id}: {left.Reason}");
        await output.WriteLineAsync(applied.ChangedAnything
            ? "The seed content is now the corpus's; every change is a revision by seed-corpus in /v1/changes."
            : "Nothing to change: the seed content already is the corpus's" + (report.LeftAlone.Count > 0 ? ", except what curators changed (above)." : "."));
        return 0;
    }
}
