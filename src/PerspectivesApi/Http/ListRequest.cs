using System.Globalization;
using System.Text;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

/// <summary>A collection request's query string, checked against its <see cref="Collection"/>:
/// every problem is collected and reported at once, keyed by the parameter's name.</summary>
public sealed partial class ListRequest
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>How many times one parameter may be repeated (values of a filter, facets): a page's cost grows
    /// with them, and no honest query names more.</summary>
    public const int MaxValuesPerParameter = 50;

    /// <summary>Parameters every collection understands, beside its own filters.</summary>
    public static readonly string[] CommonParameters = ["limit", "cursor", "count", "sort", "format", "facet", "facetLimit"];

    /// <summary>Date filters that bound one range: publication dates, and the time a position was held.</summary>
    private static readonly (string Start, string End)[] DateRanges = [("from", "to"), ("heldFrom", "heldTo")];

    public required Collection Collection { get; init; }
    public required int Limit { get; init; }
    public required bool Count { get; init; }
    public required Sort Sort { get; init; }
    public required bool Descending { get; init; }
    public required IReadOnlyDictionary<string, string[]> Filters { get; init; }
    public required string QueryFingerprint { get; init; }

    /// <summary>The facets to count beside the page, in the order asked.</summary>
    public IReadOnlyList<Facet> Facets { get; init; } = [];

    /// <summary>How many values each facet lists; the rest are summed in <c>facetOther</c>.</summary>
    public int FacetLimit { get; init; } = Facet.DefaultLimit;
    public Cursor? After { get; init; }

    /// <summary>JSON pages, or the whole collection as CSV, NDJSON or Parquet; null when the Accept header
    /// allows none of them.</summary>
    public ListFormat? Format { get; init; } = ListFormat.Json;

    /// <summary>For an export given <c>limit</c>: stream only that many rows, the first of the list (a sample).</summary>
    public int? Sample { get; init; }

    /// <summary>Whether a full-text filter (<c>q</c>) was given.</summary>
    public bool Searching { get; init; }

    public static ListRequest Parse(
        IQueryCollection query, Collection collection, string? pathValue, CursorCodec cursors, out Dictionary<string, string[]> errors,
        IList<string>? accept = null)
    {
        var problems = new Dictionary<string, List<string>>();
        void Fail(string parameter, string message)
        {
            if (!problems.TryGetValue(parameter, out var list)) problems[parameter] = list = [];
            list.Add(message);
        }

        var known = CommonParameters.Concat(collection.Filters.Select(f => f.Name)).ToHashSet();
        foreach (var name in query.Keys.Where(k => !known.Contains(k)))
            Fail(name, $"is not a parameter of {collection.Name}; the parameters are: {string.Join(", ", known.Order())}.");

        string? Single(string name)
        {
            var values = query[name];
            if (values.Count > 1) Fail(name, "may be given only once.");
            return values.Count == 0 ? null : values[0];
        }

        foreach (var (name, values) in query.Where(q => q.Value.Count > MaxValuesPerParameter))
            Fail(name, $"is given {values.Count} times; a parameter may be repeated at most {MaxValuesPerParameter} times.");

        var limit = collection.DefaultLimit;
        if (Single("limit") is { } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > collection.MaxLimit))
            Fail("limit", $"must be a whole number from 1 to {collection.MaxLimit}; got '{limitText}'.");

        var count = false;
        if (Single("count") is { } countText && !bool.TryParse(countText, out count))
            Fail("count", $"must be true or false; got '{countText}'.");

        var searching = collection.Filters.Any(f => f.Kind == FilterKind.Search && query.ContainsKey(f.Name));
        var sortText = Single("sort") ?? (searching ? collection.DefaultSortWithSearch : null) ?? collection.DefaultSort;
        var descending = sortText.StartsWith('-');
        var sortName = descending ? sortText[1..] : sortText;
        var sort = collection.Sorts.FirstOrDefault(s => s.Name == sortName);
        if (sort is null)
        {
            Fail("sort", $"must be one of {string.Join(", ", collection.Sorts.Select(s => s.Name))}, with '-' in front for descending; got '{sortText}'.");
            sort = collection.Sorts[0];
        }
        else if (sort.Requires is { } required && !query.ContainsKey(required))
            Fail("sort", $"'{sort.Name}' orders by how well items match a search, so it needs the '{required}' parameter.");

        var filters = new Dictionary<string, string[]>();
        foreach (var filter in collection.Filters)
        {
            var values = query[filter.Name];
            if (values.Count == 0) continue;
            if (!filter.Repeatable && values.Count > 1) Fail(filter.Name, "may be given only once.");
            foreach (var value in values)
            {
                if (CheckValue(filter, value) is { } message) Fail(filter.Name, message);
            }
            filters[filter.Name] = values.Select(v => v!).Distinct().Order(StringComparer.Ordinal).ToArray();
        }
        foreach (var required in collection.Filters.Where(f => f.Required && !query.ContainsKey(f.Name)))
            Fail(required.Name, "is required.");
        foreach (var (start, end) in DateRanges)
        {
            if (filters.TryGetValue(start, out var from) && filters.TryGetValue(end, out var to) &&
                !problems.ContainsKey(start) && !problems.ContainsKey(end) && string.CompareOrdinal(from[0], to[0]) > 0)
                Fail(end, $"must not be before {start} ({from[0]}); got '{to[0]}'.");
        }

        // The fingerprint names the collection (and parent), the sort and every filter value: the
        // things that, changed, would make the cursor point into a different list.
        var canonical = new StringBuilder(collection.Name).Append('|').Append(pathValue).Append('|').Append(sortText);
        foreach (var (name, values) in filters.OrderBy(f => f.Key, StringComparer.Ordinal))
            canonical.Append('|').Append(name).Append('=').AppendJoin(',', values);
        var fingerprint = CursorCodec.Fingerprint(canonical.ToString());

        Cursor? after = null;
        if (Single("cursor") is { } token)
        {
            if (token.Length > Cursor.MaxLength)
                Fail("cursor", $"is {token.Length} characters long; a cursor this archive issued has at most {Cursor.MaxLength}.");
            else if (!cursors.TryDecode(token, out var cursor))
                Fail("cursor", "is not a cursor this archive issued: pass the nextCursor of a previous page unchanged.");
            else if (cursor.Query != fingerprint)
                Fail("cursor", "belongs to a different query: a cursor can only be used with the same filters and sort as the page it came from.");
            else after = cursor;
        }

        var formatText = Single("format");
        if (formatText is not null && !ListFormats.Names.Contains(formatText))
        {
            Fail("format", $"must be json, csv, ndjson or parquet; got '{formatText}'.");
            formatText = null;
        }
        var format = ListFormats.Negotiate(formatText, accept ?? []);
        var exporting = format is not (ListFormat.Json or null);
        if (exporting)
        {
            // An export is the whole filtered collection in one stream (limit takes a sample of it): paging has no meaning there.
            foreach (var paging in new[] { "cursor", "count" }.Where(p => query.ContainsKey(p)))
                Fail(paging, $"does not apply to a {format.ToString()!.ToUpperInvariant()} export, which streams the whole filtered collection (limit=n: its first n rows).");
        }

        var facets = new List<Facet>();
        foreach (var name in query["facet"])
        {
            var facet = collection.Facets.FirstOrDefault(f => f.Name == name);
            if (facet is null)
                Fail("facet", collection.Facets.Count == 0
                    ? $"{collection.Name} have no facets; got '{name}'."
                    : $"must be one of {string.Join(", ", collection.Facets.Select(f => f.Name))}; got '{name}'.");
            else if (!facets.Contains(facet)) facets.Add(facet);
        }
        if (facets.Count > 0 && exporting)
            Fail("facet", "does not apply to an export, which streams items only.");
        // Without a facet, facetLimit limits nothing and is accepted: Swagger UI and generated clients send its default.
        var facetLimit = Facet.DefaultLimit;
        if (Single("facetLimit") is { } facetLimitText)
        {
            if (!int.TryParse(facetLimitText, NumberStyles.None, CultureInfo.InvariantCulture, out facetLimit) || facetLimit < 1 || facetLimit > Facet.MaxLimit)
                Fail("facetLimit", $"must be a whole number from 1 to {Facet.MaxLimit}; got '{facetLimitText}'.");
            else if (collection.Facets.Count == 0)
                Fail("facetLimit", $"{collection.Name} have no facets.");
        }

        errors = problems.ToDictionary(p => p.Key, p => p.Value.ToArray());
        return new ListRequest
        {
            Collection = collection, Limit = limit, Count = count, Sort = sort, Descending = descending,
            Filters = filters, QueryFingerprint = fingerprint, After = after, Format = format, Facets = facets, FacetLimit = facetLimit,
            Sample = exporting && query.ContainsKey("limit") ? limit : null, Searching = searching,
        };
    }

    /// <returns>Why the value is not acceptable, or null when it is.</returns>
    public static string? CheckValue(Filter filter, string? value) => filter.Kind switch
    {
        FilterKind.Search when value is not null && !SearchText().IsMatch(value) =>
            "must be one line of text, without control characters.",
        FilterKind.Sequence when !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) =>
            $"must be a whole number, the seq of a change (0 for the beginning); got '{value}'.",
        FilterKind.Id when !CorpusImport.IsSlug(value) =>
            $"'{value}' is not an id: ids are lowercase letters, digits and single hyphens, at most 80 characters.",
        FilterKind.Choice when !filter.Choices!.Contains(value) =>
            $"must be one of {string.Join(", ", filter.Choices!)}; got '{value}'.",
        FilterKind.Language when value is null || value.Length > Bounds.Language || !CorpusImport.LanguagePattern().IsMatch(value) =>
            $"must be a BCP 47 language tag such as en or pt-BR; got '{value}'.",
        FilterKind.Country when value is null || !CorpusImport.CountryPattern().IsMatch(value) =>
            $"must be an ISO 3166-1 alpha-2 country code in capitals, such as GE; got '{value}'.",
        FilterKind.Search when string.IsNullOrWhiteSpace(value) =>
            "must not be empty: give words to search for, a \"quoted phrase\", AND/OR/NOT, or a prefix*.",
        FilterKind.Search when SearchLimits.Check(value!) is { } limit => limit,
        FilterKind.Date when !IsoDate.TryParse(value, out _) =>
            $"must be a date written yyyy-MM-dd, such as 2025-07-04; got '{value}'.",
        _ => null,
    };

    [System.Text.RegularExpressions.GeneratedRegex(Bounds.LinePattern)]
    private static partial System.Text.RegularExpressions.Regex SearchText();
}
