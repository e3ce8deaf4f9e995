namespace PerspectivesApi.Http;

/// <summary>How the API names one kind of resource, written once: the singular and plural, the indefinite
/// article that goes with it ("an article", "a topic"), and what follows from them (its collection, table and
/// route). Messages, routes, operation ids and the contract read them from here, never build them by appending
/// an "s" or guessing "a"/"an".</summary>
public sealed record ResourceName(string Singular, string Plural, string IndefiniteArticle)
{
    public static readonly ResourceName Outlet = new("outlet", "outlets", "an");
    public static readonly ResourceName Author = new("author", "authors", "an");
    public static readonly ResourceName Article = new("article", "articles", "an");
    public static readonly ResourceName Topic = new("topic", "topics", "a") { ReservedIds = ["summary"] };
    public static readonly ResourceName Stance = new("stance", "stances", "a");

    /// <summary>Ids no resource of this kind may take, because a route under its collection uses the segment
    /// (GET /v1/topics/summary): such a resource could be created but never read.</summary>
    public IReadOnlyList<string> ReservedIds { get; init; } = [];

    /// <summary>The collection's name in revisions and the changes feed, which is also its table's.</summary>
    public string Collection => Plural;
    public string Table => Plural;

    /// <summary>Its collection's URL path: /v1/outlets.</summary>
    public string Path => "/v1/" + Plural;

    /// <summary>"an outlet".</summary>
    public string WithArticle => $"{IndefiniteArticle} {Singular}";

    /// <summary>"An outlet", to begin a sentence.</summary>
    public string WithArticleCapitalized => char.ToUpperInvariant(IndefiniteArticle[0]) + IndefiniteArticle[1..] + " " + Singular;

    /// <summary>"Outlet", for operation ids (createOutlet) and schema names.</summary>
    public string Pascal => char.ToUpperInvariant(Singular[0]) + Singular[1..];
}
