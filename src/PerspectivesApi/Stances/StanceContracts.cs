using System.ComponentModel;
using PerspectivesApi.Articles;
using PerspectivesApi.Http;

namespace PerspectivesApi.Stances;

/// <summary>The article a stance stands in: enough to say where and when without a second request.</summary>
public sealed record StanceArticle(
    [property: Description("The article's id.")] string Id,
    [property: Description("The article's title.")] string Title,
    [property: Description("The article's outlet; null when the source does not name it.")] OutletRef? Outlet,
    [property: Description("The article's publication date; null when unknown.")] Published? Published);

/// <summary>One voice's position on one topic in one article, with the exact quote as evidence.</summary>
public sealed record Stance(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The question (a proposition) the stance takes a position on.")] TopicRef Topic,
    [property: Description("The article the stance is recorded in.")] StanceArticle Article,
    [property: Description("The voice holding the stance (writer, interviewee, quoted speaker); null when it is the unsigned article's own editorial voice.")] AuthorRef? Author,
    [property: Description("supports, opposes, mixed or neutral, towards the topic's proposition.")] string Position,
    [property: Description("The exact words from the article's body that show the position, with their offsets.")] Quote Quote,
    [property: Description("A one-sentence paraphrase of the stance.")] string Summary);
