using System.ComponentModel;

namespace PerspectivesApi.Authors;

/// <summary>A person whose perspective the archive records: a bylined writer, an interviewer, an
/// interviewee or a quoted speaker.</summary>
public sealed record Author(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The person's name.")] string Name,
    [property: Description("The affiliation or role the articles give the person; null when none is given.")] string? Affiliation,
    [property: Description("How many articles credit this person, in any role.")] long ArticleCount,
    [property: Description("How many stances this person holds in the archive.")] long StanceCount);
