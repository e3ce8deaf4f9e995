using System.ComponentModel;
using PerspectivesApi.Http;

namespace PerspectivesApi.Articles;

/// <summary>A person credited on an article, and in which role.</summary>
public sealed record Credit(
    [property: Description("The credited person.")] AuthorRef Author,
    [property: Description("author, interviewer, interviewee, translator or quoted.")] string Role)
{
    /// <summary>How a credit reads in a CSV cell.</summary>
    public override string ToString() => $"{Author.Name} ({Role})";
}

/// <summary>An article as it appears in lists: its metadata and the opening of its body.</summary>
public sealed record ArticleSummary(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The title as the source shows it.")] string Title,
    [property: Description("interview, analysis, opinion, news, column or editorial.")] string Genre,
    [property: Description("BCP 47 language tag of the body.")] string Language,
    [property: Description("The publishing outlet; null when the source does not name it.")] OutletRef? Outlet,
    [property: Description("Publication date with its precision; null when unknown.")] Published? Published,
    [property: Description("Canonical URL when the source shows it; otherwise null.")] string? Url,
    [property: Description("Everyone credited on the piece, in credit order.")] IReadOnlyList<Credit> Credits,
    [property: Description("How many stances the archive records in this article.")] long StanceCount,
    [property: Description("The opening of the body, about 280 characters.")] string Excerpt);

/// <summary>Where a republished piece first appeared.</summary>
public sealed record Republication(
    [property: Description("The original outlet; null when not named.")] OutletRef? Outlet,
    [property: Description("The original URL, when known.")] string? Url,
    [property: Description("What the piece says about its origin.")] string? Note);

/// <summary>Where the archived text came from, so anyone can trace it to its source.</summary>
public sealed record Provenance(
    [property: Description("The name of the raw capture the article was curated from.")] string? SourceFile,
    [property: Description("SHA-256 (hex) of the raw capture's bytes.")] string? Sha256);

/// <summary>A stance as listed inside its article.</summary>
public sealed record ArticleStance(
    [property: Description("The stance's id.")] string Id,
    [property: Description("The question the stance answers.")] TopicRef Topic,
    [property: Description("The voice holding the stance; null for the unsigned article's own editorial voice.")] AuthorRef? Author,
    [property: Description("supports, opposes, mixed or neutral, towards the topic's proposition.")] string Position,
    [property: Description("The exact words, with their offsets in this article's body.")] Quote Quote,
    [property: Description("A one-sentence paraphrase.")] string Summary);

/// <summary>An archived article: metadata, credits, clean body, provenance and the stances it holds.</summary>
public sealed record ArticleDetail(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The title as the source shows it.")] string Title,
    [property: Description("interview, analysis, opinion, news, column or editorial.")] string Genre,
    [property: Description("BCP 47 language tag of the body.")] string Language,
    [property: Description("The publishing outlet; null when the source does not name it.")] OutletRef? Outlet,
    [property: Description("Publication date with its precision; null when unknown.")] Published? Published,
    [property: Description("Canonical URL when the source shows it; otherwise null.")] string? Url,
    [property: Description("Everyone credited on the piece, in credit order.")] IReadOnlyList<Credit> Credits,
    [property: Description("Where the piece first appeared, when it says it was published or produced elsewhere; otherwise null.")] Republication? RepublishedFrom,
    [property: Description("The source capture the text was curated from; null for articles entered by hand.")] Provenance? Provenance,
    [property: Description("The piece's own text, paragraphs separated by a blank line. Quote offsets count Unicode code points in this string.")] string Body,
    [property: Description("The stances recorded in this article, by id.")] IReadOnlyList<ArticleStance> Stances);

/// <summary>Exact words from an article, and where they stand in its body.</summary>
public sealed record Quote(
    [property: Description("The exact text, character for character as it stands in the body.")] string Text,
    [property: Description("Offset of the first character in the article body, in Unicode code points from 0 (Python str indexing).")] int Start,
    [property: Description("Offset just past the last character, in Unicode code points: body[start:end] == text.")] int End);
