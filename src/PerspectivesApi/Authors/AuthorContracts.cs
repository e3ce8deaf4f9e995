using System.ComponentModel;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Authors;

/// <summary>A voice whose perspective the archive records: a person (a bylined writer, an interviewer,
/// an interviewee, a quoted or reported speaker), an institution, a group, or a piece's or outlet's
/// own editorial voice.</summary>
public sealed record Author(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The voice's name.")] string Name,
    [property: FromVocabulary("voice kind"), Description("What kind of voice this is. " + VoiceKind.Described)] string Kind,
    [property: Description("The affiliation or role the articles give the voice; null when none is given.")] string? Affiliation,
    [property: Description("For an editorial voice, the outlet whose voice it is; null when unknown, and for every other kind.")] OutletRef? Outlet,
    [property: Description("How many articles credit this voice, in any role.")] long ArticleCount,
    [property: Description("How many stances this voice holds in the archive.")] long StanceCount);
