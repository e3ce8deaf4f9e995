using System.Text.Json;
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

/// <summary>A manifest that cannot be applied, with every problem found, keyed by the field's path.</summary>
public sealed class CorpusValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception($"The corpus has {errors.Count} invalid field(s): " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>What an import did, per kind of record.</summary>
public sealed record ImportReport(ImportCounts Outlets, ImportCounts Authors, ImportCounts Topics, ImportCounts Articles, ImportCounts Stances)
{
    public bool ChangedAnything => new[] { Outlets, Authors, Topics, Articles, Stances }.Any(c => c.Created + c.Updated + c.Deleted > 0);
}

/// <param name="Deleted">Records the manifest's <c>removed</c> list deleted.</param>
public sealed record ImportCounts(int Created, int Updated, int Unchanged, int Deleted = 0);

/// <summary>Applies a corpus manifest to the archive: the whole manifest is validated first, each
/// record by its resource's own rules (<see cref="WriteModel{T}.ValidateAsync"/>, as its routes do),
/// then every record is created or updated by its resource's own upsert; a record equal to what is
/// stored is left alone, so applying the same manifest twice changes nothing. Each change is
/// recorded as a revision.</summary>
public static partial class CorpusImport
{
    [GeneratedRegex(Bounds.SlugPattern)]
    public static partial Regex SlugPattern();

    public static bool IsSlug(string? value) => value is { Length: > 0 and <= Bounds.Slug } && SlugPattern().IsMatch(value);

    /// <summary>An ISO 3166-1 alpha-2 country code, in capitals.</summary>
    [GeneratedRegex(Bounds.CountryPattern)]
    public static partial Regex CountryPattern();

    /// <summary>A BCP 47 language tag such as en or pt-BR.</summary>
    [GeneratedRegex(Bounds.LanguagePattern)]
    public static partial Regex LanguagePattern();

    /// <summary>Applies <paramref name="manifest"/> in a transaction of its own: all of it or, with a
    /// <see cref="CorpusValidationException"/> listing every error, none of it. Article bodies are
    /// read by <paramref name="readBody"/> from what the manifest's <c>body</c> names (in db/seed, a
    /// file). The defaults describe the seed corpus, loaded this way into a new archive.</summary>
    public static async Task<ImportReport> ApplyAsync(
        SqliteConnection connection, CorpusManifest manifest, Func<string, string> readBody,
        string curator = SeedCorpus.Curator, string note = "db/seed")
    {
        manifest = manifest with { Articles = [.. (manifest.Articles ?? []).Select(a => a?.Body is null ? a! : a with { Body = readBody(a.Body) })] };
        // A SQL-level transaction, as in the write API, so the write models' statements run inside it.
        await connection.ExecuteAsync("BEGIN IMMEDIATE");
        try
        {
            var errors = new FieldErrors();
            manifest = await ValidateAsync(new WriteContext(connection) { Curator = curator }, manifest, errors);
            if (errors.Count > 0) throw new CorpusValidationException(errors.ToDictionary().AsReadOnly());
            var report = await UpsertAsync(connection, manifest, curator, note);
            await connection.ExecuteAsync("COMMIT");
            return report;
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK");
            throw;
        }
    }

    /// <summary>Checks every record of <paramref name="manifest"/> with its resource's validation,
    /// adding each error under the record's place in the manifest (<c>outlets[0].url</c>), and checks
    /// that each record has an id no other record of its list has. References may point to records the
    /// manifest brings, and a stance's quote is checked against the body its article will have.</summary>
    /// <returns>The manifest as it will be stored (stances left without offsets have them).</returns>
    /// <param name="context">Who imports, and how a stance that does not say how it was read was read.</param>
    public static async Task<CorpusManifest> ValidateAsync(WriteContext context, CorpusManifest manifest, FieldErrors errors)
    {
        foreach (var outlet in manifest.Outlets ?? []) if (outlet is not null) context.Bring(OutletWrites.Model, outlet);
        foreach (var author in manifest.Authors ?? []) if (author is not null) context.Bring(AuthorWrites.Model, author);
        foreach (var topic in manifest.Topics ?? []) if (topic is not null) context.Bring(TopicWrites.Model, topic);
        foreach (var article in manifest.Articles ?? []) if (article is not null) context.Bring(ArticleWrites.Model, article);
        foreach (var stance in manifest.Stances ?? []) if (stance is not null) context.Bring(StanceWrites.Model, stance);

        // Articles before stances: a stance's quote is found in its article's body as validated (normalised).
        return new CorpusManifest(
            await ValidateListAsync(context, OutletWrites.Model, manifest.Outlets, errors),
            await ValidateListAsync(context, AuthorWrites.Model, manifest.Authors, errors),
            await ValidateListAsync(context, TopicWrites.Model, manifest.Topics, errors),
            await ValidateListAsync(context, ArticleWrites.Model, manifest.Articles, errors),
            await ValidateListAsync(context, StanceWrites.Model, manifest.Stances, errors),
            ValidateRemoved(manifest, errors));
    }

    /// <summary>A manifest may remove stances it no longer holds, each with its reason. Only stances:
    /// deleting what other records refer to is for the routes, which say what refers to it.</summary>
    private static List<RemovedEntry> ValidateRemoved(CorpusManifest manifest, FieldErrors errors)
    {
        var removed = new List<RemovedEntry>();
        var listed = (manifest.Stances ?? []).Where(s => s?.Id is not null).Select(s => s!.Id).ToHashSet();
        var seen = new HashSet<string>();
        if (manifest.Removed?.Count > Bounds.ManifestRecords)
        {
            errors.Add("removed", $"has {manifest.Removed.Count} records; an import may have at most {Bounds.ManifestRecords} in each list.");
            return removed;
        }
        for (var i = 0; i < (manifest.Removed?.Count ?? 0); i++)
        {
            var at = errors.At($"removed[{i}]");
            if (manifest.Removed![i] is not { } entry) { at.Add("", "must be an object with a collection, an id and a reason."); continue; }
            if (entry.Collection != StanceWrites.Model.Collection)
                at.Add("collection", $"must be 'stances': a manifest removes only stances; got {(entry.Collection is null ? "null" : $"'{entry.Collection}'")}.");
            if (!IsSlug(entry.Id)) at.Add("id", $"must be a stance's id (a slug); got {(entry.Id is null ? "null" : $"'{entry.Id}'")}.");
            else if (listed.Contains(entry.Id)) at.Add("id", $"'{entry.Id}' is also listed in stances: a manifest cannot both keep and remove a stance.");
            else if (!seen.Add(entry.Id)) at.Add("id", $"'{entry.Id}' appears more than once.");
            at.Required("reason", entry.Reason, Bounds.RemovedReason);
            at.PlainText("reason", entry.Reason);
            removed.Add(entry);
        }
        return removed;
    }

    private static async Task<List<T>> ValidateListAsync<T>(WriteContext context, WriteModel<T> model, IReadOnlyList<T?>? documents, FieldErrors errors)
        where T : class
    {
        var validated = new List<T>();
        var seen = new HashSet<string>();
        if (documents?.Count > Bounds.ManifestRecords)
        {
            errors.Add(model.Collection, $"has {documents.Count} records; an import may have at most {Bounds.ManifestRecords} in each list: import the rest separately.");
            return validated;
        }
        for (var i = 0; i < (documents?.Count ?? 0); i++)
        {
            var at = errors.At($"{model.Collection}[{i}]");
            if (documents![i] is not { } document) { at.Add("", $"must be {model.Name.WithArticle}, not null."); continue; }
            var id = model.IdOf(document);
            var first = id is not null && seen.Add(id);
            if (id is null) at.Add("id", $"is required: an import creates or updates the {model.Resource} with that id.");
            else if (!first) at.Add("id", $"'{id}' appears more than once.");
            document = await model.ValidateAsync(context, document, at);
            if (first) context.Bring(model, document);
            validated.Add(document);
        }
        return validated;
    }

    /// <summary>Creates or updates every record of a validated manifest through its resource's own
    /// insert and update, leaving equal ones alone, and records a revision for each change.</summary>
    public static async Task<ImportReport> UpsertAsync(SqliteConnection connection, CorpusManifest manifest, string curator, string note) => new(
        await UpsertListAsync(connection, OutletWrites.Model, manifest.Outlets, curator, note),
        await UpsertListAsync(connection, AuthorWrites.Model, manifest.Authors, curator, note),
        await UpsertListAsync(connection, TopicWrites.Model, manifest.Topics, curator, note),
        await UpsertListAsync(connection, ArticleWrites.Model, manifest.Articles, curator, note),
        await UpsertListAsync(connection, StanceWrites.Model, manifest.Stances, curator, note) with
        {
            Deleted = await RemoveAsync(connection, manifest.Removed ?? [], curator),
        });

    /// <summary>Deletes the stances a manifest removes that the archive still holds, recording each
    /// deletion with its reason; one already gone is nothing to do.</summary>
    public static async Task<int> RemoveAsync(SqliteConnection connection, IEnumerable<RemovedEntry> removed, string curator)
    {
        var deleted = 0;
        foreach (var entry in removed)
        {
            if (await StanceWrites.Model.LoadAsync(connection, entry.Id) is not { } current) continue;
            await StanceWrites.Model.DeleteAsync(connection, entry.Id);
            await History.RecordAsync(connection, curator, StanceWrites.Model.Collection, entry.Id, "delete", current, null, entry.Reason);
            deleted++;
        }
        return deleted;
    }

    private static async Task<ImportCounts> UpsertListAsync<T>(SqliteConnection connection, WriteModel<T> model, IEnumerable<T> documents, string curator, string note)
        where T : class
    {
        int created = 0, updated = 0, unchanged = 0;
        foreach (var document in documents)
        {
            var id = model.IdOf(document)!;
            var before = await model.LoadAsync(connection, id);
            if (before is null) await model.InsertAsync(connection, document);
            else if (Same(before, document)) { unchanged++; continue; }
            else await model.UpdateAsync(connection, document);

            // The revision records what is stored, as a read of the resource's document would give it.
            var after = await model.LoadAsync(connection, id);
            if (before is null)
            {
                await History.RecordAsync(connection, curator, model.Collection, id, "create", null, after, note);
                created++;
            }
            else if (Same(before, after))
                unchanged++;
            else
            {
                await History.RecordAsync(connection, curator, model.Collection, id, "update", before, after, note);
                updated++;
            }
        }
        return new ImportCounts(created, updated, unchanged);
    }

    private static bool Same<T>(T stored, T? document) =>
        JsonSerializer.Serialize(stored, History.Json) == JsonSerializer.Serialize(document, History.Json);
}
