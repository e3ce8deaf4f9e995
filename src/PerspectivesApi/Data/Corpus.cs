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
    IReadOnlyList<StanceEntry> Stances,
    IReadOnlyList<RemovedEntry>? Removed = null)
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
    ProvenanceEntry? Provenance,
    /// <summary>Anomalies of the capture kept verbatim in the body; none when left out.</summary>
    IReadOnlyList<CaptureNoteEntry>? CaptureNotes = null);

public sealed record PublishedEntry(string Date, string Precision, bool Inferred, string? Reasoning);

public sealed record CreditEntry(string Author, string Role);

/// <param name="Published">When the original appeared, at its own precision; null when unknown.</param>
public sealed record RepublishedEntry(string? Outlet, string? Url, string? Note, PublishedEntry? Published = null);

/// <summary>An anomaly of the capture, kept verbatim in the body at code points start–end.</summary>
public sealed record CaptureNoteEntry(string Kind, int? Start, int? End, string Text, string Note);

public sealed record ProvenanceEntry(string SeedFile, string Sha256);

/// <param name="Start">Code-point offset of the quote in the article body; when left out, the
/// importer finds the quote's one occurrence (and refuses an ambiguous or absent one).</param>
/// <param name="Condition">For a conditional position ("would lead to…"), the condition it holds under.</param>
/// <param name="HeldAt">When the piece attests the voice holding the position; the article's date when left out.</param>
/// <param name="Method">How the stance was read; when left out, curated through the stance routes and the seed, imported through POST /v1/imports.</param>
/// <param name="Curator">Who read it; the curator key's name (or seed-corpus) when left out.</param>
public sealed record StanceEntry(
    string Id, string Topic, string Article, string? Author, string Position,
    string Quote, int? Start, int? End, string Summary,
    string? Condition = null, AttributionEntry? Attribution = null, HeldEntry? HeldAt = null,
    string? Method = null, string? Curator = null, string? Confidence = null, string? Note = null);

/// <summary>How a stance's words reach us, and through whom (for quoted and reported words).</summary>
public sealed record AttributionEntry(string Kind, string? Via);

/// <summary>When a position was held, at the precision the evidence supports.</summary>
public sealed record HeldEntry(string Date, string Precision, string? Reasoning);

/// <summary>A stance the corpus no longer holds, and why: an import deletes it (recording the reason),
/// and a manifest that removes it cannot also list it.</summary>
public sealed record RemovedEntry(string Collection, string Id, string Reason);

/// <summary>The curated corpus of db/seed, embedded in the assembly at build time.</summary>
public static class SeedCorpus
{
    /// <summary>Who the seed corpus's writes are recorded as, in revisions and in a stance's curator.
    /// No curator key may take this name.</summary>
    public const string Curator = "seed-corpus";

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
