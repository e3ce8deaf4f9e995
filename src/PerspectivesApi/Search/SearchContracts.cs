using System.ComponentModel;
using PerspectivesApi.Data;

namespace PerspectivesApi.Search;

/// <summary>The article a search hit belongs to.</summary>
public sealed record HitArticle(
    [property: Description("The article's id.")] string Id,
    [property: Description("The article's title.")] string Title);

/// <summary>One article or stance that matches a full-text query, with why it matched.</summary>
public sealed record SearchHit(
    [property: FromVocabulary("search hit kind"), Description("article (its title or body matched) or stance (its quote matched).")] string Kind,
    [property: Description("The id of the article or stance.")] string Id,
    [property: Description("For an article, its title; for a stance, its topic's title.")] string Title,
    [property: Description("Where the hit is: /v1/articles/{id} or /v1/stances/{id}.")] string Href,
    [property: Description("bm25 score from SQLite FTS5: lower is a better match. Scores of articles and of stances come from separate indexes and compare only roughly.")] double Rank,
    [property: Description("The matching passage, with each matched term wrapped in <mark>…</mark> and cuts marked by …; the rest is the text as archived.")] string Snippet,
    [property: Description("The article the hit belongs to (for an article hit, itself).")] HitArticle Article);
