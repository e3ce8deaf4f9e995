using System.ComponentModel;

namespace PerspectivesApi.Topics;

/// <summary>A question the archive compares perspectives on, framed as a proposition that a stance
/// supports, opposes, finds mixed or treats neutrally.</summary>
public sealed record Topic(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("A short title for the question.")] string Title,
    [property: Description("The proposition stances take a position on.")] string Proposition,
    [property: Description("Context for the question.")] string? Description,
    [property: Description("true when the proposition's truth can change with time (a present-tense claim about relations, influence or aims): compare its stances within one period (filter or group by heldAt), never across periods as a disagreement. false for a proposition about a dated event. null: not stated (a topic written before schema 7).")] bool? TimeDependent,
    [property: Description("How many stances the archive records on this topic.")] long StanceCount);
