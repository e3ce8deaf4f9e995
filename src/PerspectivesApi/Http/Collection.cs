namespace PerspectivesApi.Http;

/// <summary>How a filter's values are checked before they reach SQL.</summary>
public enum FilterKind
{
    /// <summary>Resource ids (slugs); the parameter may repeat.</summary>
    Id,
    /// <summary>One of a fixed set of values; may repeat.</summary>
    Choice,
    /// <summary>A BCP 47 language tag such as <c>en</c>; may repeat.</summary>
    Language,
    /// <summary>An ISO 3166-1 alpha-2 country code; may repeat.</summary>
    Country,
    /// <summary>An ISO 8601 calendar date (yyyy-MM-dd); at most once.</summary>
    Date,
    /// <summary>An FTS5 full-text query; at most once.</summary>
    Search,
    /// <summary>A position in the archive's history (a revision's seq, 0 or more); at most once.</summary>
    Sequence,
}

/// <summary>A query parameter that narrows a collection. <see cref="Condition"/> is a fixed SQL
/// fragment that refers to the value as <c>@name</c> (empty when the collection's own FROM uses
/// it); values are always bound as parameters.</summary>
public sealed record Filter(string Name, FilterKind Kind, string Condition, string Description, string Example, IReadOnlyList<string>? Choices = null)
{
    public bool Repeatable => Kind is not (FilterKind.Date or FilterKind.Search or FilterKind.Sequence);

    /// <summary>A join the filter needs (full-text search joins its FTS table), or null.</summary>
    public string? Join { get; init; }

    /// <summary>For full-text search: the same test for one row of the collection, without the join (a correlated
    /// EXISTS on the FTS5 table's rowid), for a walk in another order (<see cref="OrderedSearch"/>).</summary>
    public string? Probe { get; init; }

    /// <summary>For full-text search: the FTS5 tables whose syntax the value must satisfy.</summary>
    public IReadOnlyList<string> SearchTables { get; init; } = [];

    /// <summary>A parameter the collection cannot be listed without (the search's q).</summary>
    public bool Required { get; init; }
}

/// <summary>A dimension a collection can be counted by (<c>facet=</c>). <see cref="Value"/> is an SQL
/// expression over the collection's <see cref="Collection.CountFrom"/> (plus <see cref="Join"/>, for a value
/// that lives in another table or a many-valued facet such as an article's authors, which then counts
/// distinct items). <see cref="Label"/> is a lookup of the display name of one value, written over
/// <c>listed.value</c>: it runs for the values returned only, never for every counted row.</summary>
public sealed record Facet(string Name, string Value, string? Label, string Description)
{
    public string? Join { get; init; }

    /// <summary>What one item counts as: count(*) for a single-valued facet, count(DISTINCT id) when the join fans out.</summary>
    public string Count { get; init; } = "count(*)";

    /// <summary>For stances filtered by one topic and nothing else: the facet's (value, count) rows read from that topic's
    /// tallies (migration 0006, kept by triggers with every write; the topic is <c>@__topic</c>), instead of counting its
    /// stances. A question's 10,000 stances cost 6 ms per facet to count, its tallies a fraction of one.</summary>
    public string? Tally { get; init; }

    /// <summary>The <see cref="Tally"/>'s ORDER BY for the facet's order (count descending, then value with the unknown
    /// first), written so that the tallies' index gives it without a sort.</summary>
    public string TallyOrder { get; init; } = "count DESC, value";

    /// <summary>How many values a facet returns unless <c>facetLimit</c> says otherwise: what a screen shows, and
    /// what Datasette returns.</summary>
    public const int DefaultLimit = 30;

    /// <summary>The most values <c>facetLimit</c> may ask for.</summary>
    public const int MaxLimit = 1000;
}

/// <summary>One value of a facet and how many items of the filtered collection have it.</summary>
/// <param name="Value">The value (an id, a code, a year); null counts the items where it is unknown.</param>
/// <param name="Label">A display name for ids (the outlet's name); null otherwise.</param>
/// <param name="Count">How many items of the whole filtered collection have the value.</param>
public sealed record FacetCount(
    [property: System.ComponentModel.Description("The value (an id, a code, a year); null counts the items where it is unknown.")] string? Value,
    [property: System.ComponentModel.Description("A display name when the value is an id (the outlet's name); otherwise null.")] string? Label,
    [property: System.ComponentModel.Description("How many items of the whole filtered collection have this value.")] long Count);

/// <summary>What a facet's list leaves out: the values past its <c>facetLimit</c>, and the items they count.</summary>
/// <param name="Values">How many distinct values were not listed (0 when the list is complete).</param>
/// <param name="Count">The sum of the unlisted values' counts. For a single-valued facet, the listed counts plus
/// this equal the collection's total; a many-valued facet (an article's authors) counts an item once per value.</param>
public sealed record FacetOther(
    [property: System.ComponentModel.Description("How many distinct values the facet's list leaves out (0 when it is complete).")] long Values,
    [property: System.ComponentModel.Description("The sum of the left-out values' counts: with the listed counts, it adds up to the whole filtered collection for a single-valued facet (a many-valued one, such as an article's authors, counts an item once per value).")] long Count);

/// <summary>An order a collection can be listed in. <see cref="Key"/> is a non-null SQL expression
/// that, with the id as tie-breaker, totally orders the rows and is served by an index.</summary>
public sealed record Sort(string Name, string Key, string Description)
{
    /// <summary>A sort that only exists with a filter (relevance needs <c>q</c>).</summary>
    public string? Requires { get; init; }

    /// <summary>The tie-breaker that makes the order total, and what a cursor records; the
    /// collection's id unless the sort says otherwise (relevance: the full-text index's rowid).</summary>
    public string? TieBreak { get; init; }

    /// <summary>Where the page's keys can be read when <see cref="Requires"/> is the only filter:
    /// relevance pages inside the full-text index, never touching the rows it does not return.</summary>
    public string? Source { get; init; }

    /// <summary>The column of the collection's FROM that <see cref="TieBreak"/> values match.</summary>
    public string? SourceMatch { get; init; }

    /// <summary>How many matches relevance ranks when q is the only filter: bm25 is computed for every row it
    /// orders, so a word matching most of the archive would cost a score per match. Below this, ranking is exact.</summary>
    // Why 2,000: bm25 over the newest 2,000 matches of a word in 10% of the million-article archive takes 4–10 ms in the
    // sqlite3 shell, over 10,000 12–24 ms, which 32 concurrent searches on two cores turned into a p50 of 425 ms (bench/PERF.md).
    public const int RankedMatches = 2_000;

    /// <summary>Relevance over a full-text index: with q alone, the best of the <see cref="RankedMatches"/>
    /// matches most recently added to the archive (the highest rowids: FTS5 reads its doclist from the end and
    /// stops), which is every match when there are fewer; with other filters too, every match is ranked.</summary>
    public static Sort Relevance(string index, string sourceMatch, string what) =>
        new("relevance", $"{index}.rank",
            $"By how well {what} matches q (bm25; ts_rank on a PostgreSQL archive), best first; only with q, and the default then. {RelevanceBound}")
        {
            Requires = "q", TieBreak = $"{index}.rowid", SourceMatch = sourceMatch,
            // The source applies the search itself (the q filter's condition is left out of the page's WHERE).
            Source = $"(SELECT {index}.rowid AS rowid, {index}.rank AS rank FROM {index} WHERE {index} MATCH @q ORDER BY {index}.rowid DESC LIMIT {RankedMatches}) AS {index}",
        };

    /// <summary>What a bounded relevance search returns, said the same way wherever q is described.</summary>
    public static readonly string RelevanceBound =
        $"When q is the only filter and matches more than {RankedMatches:N0} items, relevance ranks the {RankedMatches:N0} matches " +
        "most recently added to the archive, so that a common word costs what a rare one does; with any other filter, every match is ranked. " +
        "sort=-published (or another field) orders every match.";
}

/// <summary>Everything the shared list machinery needs to know about one collection: what it
/// selects, how it can be filtered and sorted. Used for the SQL, the parameter validation and the
/// OpenAPI description alike, so the three cannot drift apart.</summary>
public sealed record Collection(
    string Name,
    string Columns,
    string From,
    string IdColumn,
    IReadOnlyList<Filter> Filters,
    IReadOnlyList<Sort> Sorts,
    string DefaultSort)
{
    /// <summary>What the collection holds, whether listed on its own or under a parent ("articles" for an
    /// outlet's articles too): its sort orders and facets are named after it in the contract.</summary>
    public string Family { get; init; } = Name;

    /// <summary>The page sizes <c>limit</c> takes: most collections 1–100 (20 by default); the changes feed,
    /// read by mirrors catching up, more.</summary>
    public int DefaultLimit { get; init; } = ListRequest.DefaultLimit;
    public int MaxLimit { get; init; } = ListRequest.MaxLimit;

    /// <summary>A filter without which the collection holds nothing (the search's q: a search for no words finds
    /// nothing). Without it the answer is an empty page, or an empty export, not an error, so that a client walking
    /// every collection sees the same answer everywhere.</summary>
    public string? EmptyWithout { get; init; }

    /// <summary>The dimensions <c>facet=</c> can count this collection by.</summary>
    public IReadOnlyList<Facet> Facets { get; init; } = [];

    /// <summary>The narrowest FROM the filters, counts and facets work over: the collection's own table,
    /// without the joins that only add display columns, so that a count or a facet reads index entries
    /// alone. Every filter's condition must be written over it.</summary>
    public string? CountSource { get; init; }

    /// <summary>What counts and facets read: <see cref="CountSource"/>, or the whole FROM.</summary>
    public string CountFrom => CountSource ?? From;

    /// <summary>The rowid of the collection's own table (<c>s.rowid</c>), when it has one on every provider: a page's
    /// rows, once chosen, are found again by it, one seek in the table where the id costs a seek in its index and then
    /// one in the table (bench/PERF.md).</summary>
    public string? RowKey { get; init; }

    /// <summary>Whether a page is read in two steps (the page's ids first, then their columns);
    /// false when the FROM is itself a computed set (the search's union) that must not be evaluated twice.</summary>
    public bool TwoPhase { get; init; } = true;

    /// <summary>What an export reads instead of <see cref="Columns"/> and <see cref="From"/>, when that differs:
    /// an export computes every row's columns anyway, and can do it in its one pass over the rows where a
    /// page computes some of them afterwards, for its own rows only (the search's snippets).</summary>
    public (string Columns, string From)? Export { get; init; }

    /// <summary>The sort used when the request has a full-text query and names no sort.</summary>
    public string? DefaultSortWithSearch { get; init; }

    /// <summary>The same collection nested under a parent (an outlet's articles): the parent's
    /// filter is taken from the path and no longer accepted as a query parameter.</summary>
    public Collection Under(string filterName, string parentResource, string parentTable) => this with
    {
        Name = $"{Name} of {filterName}",
        Filters = Filters.Where(f => f.Name != filterName).ToList(),
        PathFilter = Filters.Single(f => f.Name == filterName),
        Parent = new ParentResource(parentResource, parentTable),
    };

    /// <summary>The same columns as a list item, for one row by id (<c>@id</c>).</summary>
    public string FindByIdSql => $"SELECT {Columns}, {IdColumn} AS sort_key FROM {From} WHERE {IdColumn} = @id";

    /// <summary>For a nested collection, the filter its parent's id from the path fills in.</summary>
    public Filter? PathFilter { get; init; }

    /// <summary>For a nested collection, the parent, which must exist (else 404).</summary>
    public ParentResource? Parent { get; init; }
}

/// <summary>The resource a nested collection hangs under: its name for messages, its table to check it exists.</summary>
public sealed record ParentResource(string Name, string Table);

/// <summary>The body of every collection response.</summary>
/// <param name="Items">This page's items, in the requested order.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next page; null on the last page.</param>
/// <param name="Total">How many items the whole filtered collection holds; only when <c>count=true</c>.</param>
/// <param name="Facets">For each <c>facet=</c> asked for, its most frequent values (at most <c>facetLimit</c>) with their counts over the
/// whole filtered collection, most frequent first, then by value.</param>
/// <param name="FacetOther">For each facet asked for, what its list leaves out past <c>facetLimit</c>.</param>
public sealed record Page<T>(
    IReadOnlyList<T> Items,
    string? NextCursor,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    long? Total,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>>? Facets = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, FacetOther>? FacetOther = null);

/// <summary>A row read for a page: the resource's id and the value of the sort key, which the
/// next page's cursor continues from.</summary>
public interface IPageRow
{
    /// <summary>Text for most sorts, a number for relevance (the bm25 rank).</summary>
    object SortKey { get; }

    /// <summary>The row's tie-breaker value (its id, or for relevance the index's rowid).</summary>
    object PageId { get; }
}
