using System.ComponentModel;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

// References from one resource to another: always the id and a display name, never a bare key.

/// <summary>A reference to an outlet.</summary>
public sealed record OutletRef([property: Description("The outlet's id.")] string Id, [property: Description("The outlet's name.")] string Name)
{
    public static OutletRef? From(string? id, string? name) => id is null ? null : new OutletRef(id, name ?? id);
}

/// <summary>A reference to an author: a voice.</summary>
public sealed record AuthorRef(
    [property: Description("The author's id.")] string Id,
    [property: Description("The author's name.")] string Name,
    [property: FromVocabulary("voice kind"), Description("What kind of voice it is: person, institution, group or editorial (see Author.kind).")] string Kind)
{
    public static AuthorRef? From(string? id, string? name, string? kind) => id is null ? null : new AuthorRef(id, name ?? id, kind ?? Data.VoiceKind.Person);
}

/// <summary>A reference to a topic.</summary>
public sealed record TopicRef([property: Description("The topic's id.")] string Id, [property: Description("The topic's short title.")] string Title);

/// <summary>When a piece was published, as precisely as the evidence allows.</summary>
/// <param name="Date">ISO 8601 at the given precision: 2025-07-04, 2025-07 or 2025.</param>
/// <param name="Precision">day, month or year.</param>
/// <param name="Inferred">false when the source states the date; true when the archive inferred it from the content.</param>
/// <param name="Reasoning">How the date was established, in a sentence or two.</param>
public sealed record Published(
    [property: Description("ISO 8601 at the given precision: 2025-07-04 (day), 2025-07 (month) or 2025 (year).")] string Date,
    [property: FromVocabulary("precision"), Description("How precise the date is. " + Data.Precision.Described)] string Precision,
    [property: Description("false when the source states the date; true when the archive inferred it from the content (see reasoning).")] bool Inferred,
    [property: Description("How the date was established: the statement in the source, or the chain of evidence for an inferred date.")] string? Reasoning)
    : Exports.IDatedPeriod
{
    public static Published? From(string? date, string? precision, long? inferred, string? reasoning) =>
        date is null || precision is null ? null : new Published(date, precision, inferred == 1, reasoning);
}
