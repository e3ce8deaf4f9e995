using System.ComponentModel;
using PerspectivesApi.Articles;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Stances;

/// <summary>The article a stance stands in: enough to say where and when without a second request.</summary>
public sealed record StanceArticle(
    [property: Description("The article's id.")] string Id,
    [property: Description("The article's title.")] string Title,
    [property: Description("The article's outlet; null when the source does not name it.")] OutletRef? Outlet,
    [property: Description("The article's publication date; null when unknown.")] Published? Published);

/// <summary>How a stance's words reach us: the voice's own, relayed by another voice, or the piece's editorial voice.</summary>
public sealed record Attribution(
    [property: FromVocabulary("attribution kind"), Description(Data.AttributionKind.Described)] string Kind,
    [property: Description("For quoted and reported words, the voice that relays them (the piece's editorial voice, its author, or someone speaking in it); null for own-words and editorial, and when it was not recorded (a stance written before schema 7).")] AuthorRef? Via)
{
    public static Attribution? From(string? kind, string? viaId, string? viaName, string? viaKind) =>
        kind is null ? null : new Attribution(kind, AuthorRef.From(viaId, viaName, viaKind));
}

/// <summary>When the piece attests the voice holding the position, as precisely as the evidence allows.</summary>
public sealed record HeldAt(
    [property: Description("ISO 8601 at the given precision: 2025-07-04 (day), 2025-07 (month) or 2025 (year).")] string Date,
    [property: FromVocabulary("precision"), Description("How precise the date is. " + Data.Precision.Described)] string Precision,
    [property: Description("Why it differs from the article's publication date (a reported position older than the piece, a republished text dated by its original); null when it is the article's date.")] string? Reasoning)
    : Exports.IDatedPeriod
{
    public static HeldAt? From(string? date, string? precision, string? reasoning) =>
        date is null || precision is null ? null : new HeldAt(date, precision, reasoning);
}

/// <summary>One voice's position on one topic in one article, with the exact quote as evidence, how
/// its words reach us, when the position was held and how the stance was read.</summary>
public sealed record Stance(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The question (a proposition) the stance takes a position on.")] TopicRef Topic,
    [property: Description("The article the stance is recorded in.")] StanceArticle Article,
    [property: Description("The voice holding the stance: a person, an institution, a group, or a piece's editorial voice, named. null only for a stance written before schema 7 that stood for the unsigned article's editorial voice.")] AuthorRef? Author,
    [property: Description("How the words reach us; null when not recorded (a stance written before schema 7 whose voice was neither credited nor editorial).")] Attribution? Attribution,
    [property: Description("When the piece attests the voice holding the position (by default the article's date, at its precision); null when unknown. Positions held at different times differ in time, not in perspective: compare within one period.")] HeldAt? HeldAt,
    [property: FromVocabulary("position"), Description("Towards the topic's proposition. " + Data.Position.Described)] string Position,
    [property: Description("For a conditional position ('would lead to', 'if … then'), the condition under which the voice takes it; the position is graded as taken under it. null for an unconditional position.")] string? Condition,
    [property: Description("The exact words from the article's body that show the position, with their offsets.")] Quote Quote,
    [property: Description("A one-sentence paraphrase of the stance.")] string Summary,
    [property: FromVocabulary("reading method"), Description("How the stance was read; null when not recorded. " + Data.ReadingMethod.Described)] string? Method,
    [property: Description("Who read it: a curator key's name, or seed-corpus for the curated corpus; null when not recorded.")] string? Curator,
    [property: FromVocabulary("confidence"), Description("How sure the reading is (not how sure the voice is); null when not stated. " + Data.Confidence.Described)] string? Confidence,
    [property: Description("Why the reading is what it is, where it is debatable: always given when confidence is below high.")] string? Note);
