using System.ComponentModel;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using PerspectivesApi.Stances;

namespace PerspectivesApi.Articles;

/// <summary>A voice credited with making an article, and in which role.</summary>
public sealed record Credit(
    [property: Description("The credited voice.")] AuthorRef Author,
    [property: FromVocabulary("credit role"), Description("What part it had in making the piece. " + Data.CreditRole.Described)] string Role)
{
    /// <summary>How a credit reads in a CSV cell.</summary>
    public override string ToString() => $"{Author.Name} ({Role})";
}

/// <summary>An article as it appears in lists: its metadata and the opening of its body.</summary>
public sealed record ArticleSummary(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The title as the source shows it.")] string Title,
    [property: FromVocabulary("genre"), Description("What kind of piece it is. " + Data.Genre.Described)] string Genre,
    [property: Description("BCP 47 language tag of the body.")] string Language,
    [property: Description("The publishing outlet; null when the source does not name it.")] OutletRef? Outlet,
    [property: Description("Publication date with its precision; null when unknown.")] Published? Published,
    [property: Description("Canonical URL when the source shows it; otherwise null.")] string? Url,
    [property: Description("The voices that made the piece, in credit order (an unsigned piece credits its editorial voice as author). Who is quoted is said by the stances.")] IReadOnlyList<Credit> Credits,
    [property: Description("How many stances the archive records in this article.")] long StanceCount,
    [property: Description("The opening of the body, about 280 characters.")] string Excerpt);

/// <summary>Where a republished piece first appeared.</summary>
public sealed record Republication(
    [property: Description("The original outlet; null when not named.")] OutletRef? Outlet,
    [property: Description("The original URL, when known.")] string? Url,
    [property: Description("What the piece says about its origin.")] string? Note,
    [property: Description("When the original appeared (when the text was written), at its own precision; null when unknown. The article's own published date is that of the copy archived.")] Published? Published);

/// <summary>An anomaly of the capture kept verbatim in the body, so that no one mistakes it for the piece's own text.</summary>
public sealed record CaptureNote(
    [property: FromVocabulary("capture note kind"), Description(Data.CaptureNoteKind.Described)] string Kind,
    [property: Description("Offset of its first character in the body, in Unicode code points.")] int Start,
    [property: Description("Offset just past its last character, in code points: body[start:end] == text.")] int End,
    [property: Description("The text concerned, as it stands in the body.")] string Text,
    [property: Description("What is wrong with it, and what the piece most likely said.")] string Note);

/// <summary>Where the archived text came from, so anyone can trace it to its source.</summary>
public sealed record Provenance(
    [property: Description("The name of the raw capture the article was curated from.")] string? SourceFile,
    [property: Description("SHA-256 (hex) of the raw capture's bytes.")] string? Sha256);

/// <summary>A stance as listed inside its article.</summary>
public sealed record ArticleStance(
    [property: Description("The stance's id.")] string Id,
    [property: Description("The question the stance answers.")] TopicRef Topic,
    [property: Description("The voice holding the stance; null only for a stance written before schema 7 that stood for the unsigned article's editorial voice.")] AuthorRef? Author,
    [property: Description("How the words reach us; null when not recorded. See Stance.attribution.")] Attribution? Attribution,
    [property: Description("When the piece attests the voice holding the position; null when unknown. See Stance.heldAt.")] HeldAt? HeldAt,
    [property: FromVocabulary("position"), Description("Towards the topic's proposition: supports, opposes, mixed or neutral (see Stance.position).")] string Position,
    [property: Description("The condition a conditional position is taken under; null for an unconditional one.")] string? Condition,
    [property: Description("The exact words, with their offsets in this article's body.")] Quote Quote,
    [property: Description("A one-sentence paraphrase.")] string Summary,
    [property: FromVocabulary("confidence"), Description("How sure the reading is: high, medium or low (see Stance.confidence); null when not stated.")] string? Confidence,
    [property: Description("Why the reading is what it is, where it is debatable.")] string? Note);

/// <summary>An archived article: metadata, credits, clean body, provenance and the stances it holds.</summary>
public sealed record ArticleDetail(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The title as the source shows it.")] string Title,
    [property: FromVocabulary("genre"), Description("What kind of piece it is. " + Data.Genre.Described)] string Genre,
    [property: Description("BCP 47 language tag of the body.")] string Language,
    [property: Description("The publishing outlet; null when the source does not name it.")] OutletRef? Outlet,
    [property: Description("Publication date with its precision; null when unknown.")] Published? Published,
    [property: Description("Canonical URL when the source shows it; otherwise null.")] string? Url,
    [property: Description("The voices that made the piece, in credit order (an unsigned piece credits its editorial voice as author). Who is quoted is said by the stances.")] IReadOnlyList<Credit> Credits,
    [property: Description("Where the piece first appeared, when it says it was published or produced elsewhere; otherwise null.")] Republication? RepublishedFrom,
    [property: Description("The source capture the text was curated from; null for articles entered by hand.")] Provenance? Provenance,
    [property: Description("The piece's own text, paragraphs separated by a blank line. Quote offsets count Unicode code points in this string.")] string Body,
    [property: Description("Anomalies of the capture kept verbatim in the body (a sentence spliced in out of place), with where they are; empty when there are none.")] IReadOnlyList<CaptureNote> CaptureNotes,
    [property: Description("The stances recorded in this article, by id.")] IReadOnlyList<ArticleStance> Stances);

/// <summary>Exact words from an article, and where they stand in its body.</summary>
public sealed record Quote(
    [property: Description("The exact text, character for character as it stands in the body.")] string Text,
    [property: Description("Offset of the first character in the article body, in Unicode code points from 0 (Python str indexing).")] int Start,
    [property: Description("Offset just past the last character, in Unicode code points: body[start:end] == text.")] int End);
