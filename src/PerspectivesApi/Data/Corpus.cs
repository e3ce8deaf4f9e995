using System.Text.Json;
using System.Text.Json.Serialization;
using PerspectivesApi.Authors;
using PerspectivesApi.Outlets;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Data;

// The manifest format of db/seed/manifest.json (documented in db/seed/README.md). The same
// records describe a bulk import, and each list holds the documents its resource's routes write, so
// the seed corpus, imports and the routes share one validation and one upsert per resource.

public sealed record CorpusManifest(
    IReadOnlyList<OutletDocument> Outlets,
    IReadOnlyList<AuthorDocument> Authors,
    IReadOnlyList<TopicDocument> Topics,
    IReadOnlyList<ArticleEntry> Articles,
    IReadOnlyList<StanceEntry> Stances)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        // A misspelt field would otherwise be dropped without a word: refuse it instead.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static CorpusManifest Parse(Stream json) =>
        JsonSerializer.Deserialize<CorpusManifest>(json, JsonOptions)
        ?? throw new InvalidDataException("The manifest is empty.");
}

public sealed record ArticleEntry(
    string Id,
    string Title,
    string Genre,
    string Language,
    string? Outlet,
    string? Url,
    PublishedEntry? Published,
    /// <summary>In db/seed, the body file's path; in an API write or an HTTP import, the text itself.</summary>
    string Body,
    IReadOnlyList<CreditEntry> Credits,
    RepublishedEntry? RepublishedFrom,
    ProvenanceEntry? Provenance);

public sealed record PublishedEntry(string Date, string Precision, bool Inferred, string? Reasoning);

public sealed record CreditEntry(string Author, string Role);

public sealed record RepublishedEntry(string? Outlet, string? Url, string? Note);

public sealed record ProvenanceEntry(string SeedFile, string Sha256);

/// <param name="Start">Code-point offset of the quote in the article body; when left out, the
/// importer finds the quote's one occurrence (and refuses an ambiguous or absent one).</param>
public sealed record StanceEntry(
    string Id, string Topic, string Article, string? Author, string Position,
    string Quote, int? Start, int? End, string Summary);

/// <summary>The curated corpus of db/seed, embedded in the assembly at build time.</summary>
public static class SeedCorpus
{
    public static CorpusManifest LoadManifest()
    {
        using var stream = Open("seed/manifest.json");
        return CorpusManifest.Parse(stream);
    }

    /// <summary>Reads an article body named by the manifest (<c>articles/x.txt</c>), with the
    /// file's line endings normalised and its final newline removed, as db/seed/README.md says.</summary>
    public static string ReadBody(string bodyPath)
    {
        using var reader = new StreamReader(Open("seed/" + bodyPath));
        return ArticleText.NormalizeBodyFile(reader.ReadToEnd());
    }

    private static Stream Open(string name) =>
        typeof(SeedCorpus).Assembly.GetManifestResourceStream(name)
        ?? throw new FileNotFoundException($"The seed corpus has no embedded file '{name}'. Was db/seed built into the assembly?");
}
