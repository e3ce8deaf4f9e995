using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
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
    [property: MaxLength(Bounds.ManifestRecords), Description("Outlets to create or update.")] IReadOnlyList<OutletDocument> Outlets,
    [property: MaxLength(Bounds.ManifestRecords), Description("Voices to create or update.")] IReadOnlyList<AuthorDocument> Authors,
    [property: MaxLength(Bounds.ManifestRecords), Description("Topics to create or update.")] IReadOnlyList<TopicDocument> Topics,
    [property: MaxLength(Bounds.ManifestRecords), Description("Articles to create or update, each with its body as text.")] IReadOnlyList<ArticleEntry> Articles,
    [property: MaxLength(Bounds.ManifestRecords), Description("Stances to create or update; offsets may be left out.")] IReadOnlyList<StanceEntry> Stances,
    [property: MaxLength(Bounds.ManifestRecords), Description("Stances the corpus no longer holds, each with its reason: they are deleted.")] IReadOnlyList<RemovedEntry>? Removed = null)
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

// The written documents declare their bounds and required fields as DataAnnotations, from Bounds: the contract
// reads them (Swashbuckle), and the resources' rules enforce the same constants.

/// <summary>An article as curators write it, as an import's manifest lists it and as its revisions record it.</summary>
public sealed record ArticleEntry(
    [property: MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("A slug; derived from the title when left out on creation.")] string Id,
    [property: Required, MaxLength(Bounds.ArticleTitle), Description("The title as the source shows it.")] string Title,
    [property: Required, FromVocabulary("genre"), Description("What kind of piece it is.")] string Genre,
    [property: Required, MaxLength(Bounds.Language), RegularExpression(Bounds.LanguagePattern), Description("BCP 47 language tag of the body, such as en or pt-BR.")] string Language,
    [property: MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("The publishing outlet's id; null when the source does not name it.")] string? Outlet,
    [property: MaxLength(Bounds.Url), RegularExpression(Bounds.UrlPattern), Description("Canonical URL (absolute http(s)); null when the source does not show it.")] string? Url,
    [property: Description("Publication date with its precision; null when unknown.")] PublishedEntry? Published,
    /// <summary>In db/seed, the body file's path; in an API write or an HTTP import, the text itself.</summary>
    [property: Required, MaxLength(Bounds.Body), RegularExpression(Bounds.TextBlockPattern), Description("The piece's own text, paragraphs separated by a blank line (\\r\\n becomes \\n). Quote offsets count code points in it.")] string Body,
    [property: MaxLength(Bounds.Credits), Description("The voices that made the piece, in credit order; none when left out.")] IReadOnlyList<CreditEntry> Credits,
    [property: Description("Where the piece first appeared; null when it was not republished.")] RepublishedEntry? RepublishedFrom,
    [property: Description("The source capture the text was curated from; null for articles entered by hand.")] ProvenanceEntry? Provenance,
    /// <summary>Anomalies of the capture kept verbatim in the body; none when left out.</summary>
    [property: MaxLength(Bounds.CaptureNotes), Description("Anomalies of the capture kept verbatim in the body; none when left out.")] IReadOnlyList<CaptureNoteEntry>? CaptureNotes = null);

/// <summary>A date as written: at the precision the evidence supports, stated or inferred.</summary>
public sealed record PublishedEntry(
    [property: Required, MaxLength(Bounds.PartialDate), RegularExpression(Bounds.PartialDatePattern), Description("ISO 8601 at the given precision: 2025-07-04 (day), 2025-07 (month) or 2025 (year).")] string Date,
    [property: Required, FromVocabulary("precision"), Description("How precise the date is.")] string Precision,
    [property: Description("false (the default) when the source states the date; true when it was inferred from the content.")] bool Inferred,
    [property: MaxLength(Bounds.DateReasoning), Description("How the date was established.")] string? Reasoning);

/// <summary>A voice credited with making an article.</summary>
public sealed record CreditEntry(
    [property: Required, MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("The voice's id (an author).")] string Author,
    [property: Required, FromVocabulary("credit role"), Description("What part it had in making the piece; 'quoted' is kept on old credits and refused on new ones.")] string Role);

/// <summary>Where a republished piece first appeared.</summary>
/// <param name="Published">When the original appeared, at its own precision; null when unknown.</param>
public sealed record RepublishedEntry(
    [property: MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("The original outlet's id; null when not named.")] string? Outlet,
    [property: MaxLength(Bounds.Url), RegularExpression(Bounds.UrlPattern), Description("The original URL (absolute http(s)); null when unknown.")] string? Url,
    [property: MaxLength(Bounds.RepublishedNote), Description("What the piece says about its origin.")] string? Note,
    [property: Description("When the original appeared, at its own precision; null when unknown.")] PublishedEntry? Published = null);

/// <summary>An anomaly of the capture, kept verbatim in the body at code points start–end.</summary>
public sealed record CaptureNoteEntry(
    [property: Required, FromVocabulary("capture note kind"), Description("What the anomaly is.")] string Kind,
    [property: Required, Range(0, Bounds.Body), Description("Offset of its first character in the body, in code points.")] int? Start,
    [property: Required, Range(0, Bounds.Body), Description("Offset just past its last character, in code points.")] int? End,
    [property: Required, MaxLength(Bounds.CaptureText), Description("The text concerned, as it stands in the body at start–end.")] string Text,
    [property: Required, MaxLength(Bounds.CaptureNote), Description("What is wrong with it, and what the piece most likely said.")] string Note);

/// <summary>The raw capture an article was curated from.</summary>
public sealed record ProvenanceEntry(
    [property: Required, MaxLength(Bounds.SeedFile), Description("The raw capture's file name.")] string SeedFile,
    [property: Required, MaxLength(64), RegularExpression(Bounds.Sha256Pattern), Description("SHA-256 of the capture's bytes, 64 lowercase hexadecimal digits.")] string Sha256);

/// <summary>A stance as curators write it, as an import's manifest lists it and as its revisions record it.</summary>
/// <param name="Start">Code-point offset of the quote in the article body; when left out, the
/// importer finds the quote's one occurrence (and refuses an ambiguous or absent one).</param>
/// <param name="Condition">For a conditional position ("would lead to…"), the condition it holds under.</param>
/// <param name="HeldAt">When the piece attests the voice holding the position; the article's date when left out.</param>
/// <param name="Method">How the stance was read; when left out, curated through the stance routes and the seed, imported through POST /v1/imports.</param>
/// <param name="Curator">Who read it; the curator key's name (or seed-corpus) when left out.</param>
public sealed record StanceEntry(
    [property: MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("A slug; derived from the author (or article) and topic when left out on creation.")] string Id,
    [property: Required, MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("The topic's id.")] string Topic,
    [property: Required, MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("The article's id: the quote must be its words.")] string Article,
    [property: Required, MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("The voice holding the position (an author id), named rather than left null.")] string? Author,
    [property: Required, FromVocabulary("position"), Description("Towards the topic's proposition.")] string Position,
    [property: Required, MaxLength(Bounds.Quote), RegularExpression(Bounds.TextBlockPattern), Description("The exact words from the article's body.")] string Quote,
    [property: Range(0, Bounds.Body), Description("Offset of the quote's first character in the body, in code points; with end, or both left out to find the quote's one occurrence.")] int? Start,
    [property: Range(0, Bounds.Body), Description("Offset just past the quote's last character, in code points.")] int? End,
    [property: Required, MaxLength(Bounds.Summary), Description("A one-sentence paraphrase.")] string Summary,
    [property: MaxLength(Bounds.Condition), Description("For a conditional position, the condition it is taken under; null for an unconditional one.")] string? Condition = null,
    [property: Description("How the words reach us; derived when left out for a credited or editorial voice.")] AttributionEntry? Attribution = null,
    [property: Description("When the position was held; the article's date when left out.")] HeldEntry? HeldAt = null,
    [property: FromVocabulary("reading method"), Description("How the stance was read; the write's own (curated, or imported through POST /v1/imports) when left out.")] string? Method = null,
    [property: MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("Who read it; the curator key's name when left out.")] string? Curator = null,
    [property: FromVocabulary("confidence"), Description("How sure the reading is; null when not stated.")] string? Confidence = null,
    [property: MaxLength(Bounds.StanceNote), Description("Why the reading is what it is; required when confidence is medium or low.")] string? Note = null);

/// <summary>How a stance's words reach us, and through whom (for quoted and reported words).</summary>
public sealed record AttributionEntry(
    [property: Required, FromVocabulary("attribution kind"), Description("How the words reach us.")] string Kind,
    [property: MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("For quoted and reported words, the relaying voice's id; null otherwise.")] string? Via);

/// <summary>When a position was held, at the precision the evidence supports.</summary>
public sealed record HeldEntry(
    [property: Required, MaxLength(Bounds.PartialDate), RegularExpression(Bounds.PartialDatePattern), Description("ISO 8601 at the given precision.")] string Date,
    [property: Required, FromVocabulary("precision"), Description("How precise the date is.")] string Precision,
    [property: MaxLength(Bounds.HeldReasoning), Description("Why it differs from the article's date; required when it does.")] string? Reasoning);

/// <summary>A stance the corpus no longer holds, and why: an import deletes it (recording the reason),
/// and a manifest that removes it cannot also list it.</summary>
public sealed record RemovedEntry(
    [property: Required, MaxLength(7), RegularExpression("^stances$"), Description("stances: a manifest removes only stances.")] string Collection,
    [property: Required, MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("The stance's id.")] string Id,
    [property: Required, MaxLength(Bounds.RemovedReason), Description("Why the corpus no longer holds it; recorded in the deletion's revision.")] string Reason);

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
