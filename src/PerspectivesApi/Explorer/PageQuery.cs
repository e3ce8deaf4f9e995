using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using PerspectivesApi.Http;

namespace PerspectivesApi.Explorer;

/// <summary>A page's query string, which is the query of the API request the page is made from: the same
/// filters, the same sort and the same cursors, so that a page's URL, its JSON and its CSV say the same
/// thing. Links that change one filter keep the others and start again from the first page.</summary>
public sealed class PageQuery
{
    /// <summary>What the API's lists take that a page does not: a page shows items and links to the exports.</summary>
    private static readonly string[] ListOnly = ["format", "count", "facet"];

    private readonly Dictionary<string, StringValues> values;

    /// <summary>What the page asks of the API without saying so (its order), beside what its URL says.</summary>
    private readonly Dictionary<string, StringValues> defaults;

    private PageQuery(Dictionary<string, StringValues> values, Dictionary<string, StringValues> defaults) =>
        (this.values, this.defaults) = (values, defaults);

    public static PageQuery From(IQueryCollection query) =>
        new(query.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), new Dictionary<string, StringValues>(StringComparer.Ordinal));

    /// <summary>The parameters a listing page refuses, as the API refuses a parameter it does not know
    /// (the rest are checked by the list itself); null when there are none.</summary>
    public static IResult? RefuseListOnly(IQueryCollection query, string apiPath)
    {
        var refused = ListOnly.Where(query.ContainsKey).ToDictionary(
            name => name, _ => new[] { $"is not a parameter of this page, which shows one page of items; {apiPath} takes it." });
        return refused.Count == 0 ? null : Problems.InvalidParameters(refused);
    }

    /// <summary>Every parameter, for a page that takes none (as an API document takes none); null when there are none.</summary>
    public static IResult? RefuseAll(IQueryCollection query) => query.Count == 0 ? null : Problems.InvalidParameters(
        query.Keys.ToDictionary(name => name, _ => new[] { "is not a parameter: this page takes none." }));

    /// <summary>The same query, asking the API for <paramref name="value"/> as <paramref name="name"/> when the
    /// page's URL names none. The page's own links leave it out; its links to the API say it.</summary>
    public PageQuery WithDefault(string name, string value) => values.ContainsKey(name)
        ? this
        : new PageQuery(values, new Dictionary<string, StringValues>(defaults, StringComparer.Ordinal) { [name] = value });

    /// <summary>The query as the API's list reads it.</summary>
    public IQueryCollection AsQuery() => new QueryCollection(ForApi());

    private Dictionary<string, StringValues> ForApi()
    {
        var all = new Dictionary<string, StringValues>(values, StringComparer.Ordinal);
        foreach (var (name, value) in defaults) all[name] = value;
        return all;
    }

    public string? this[string name] => values.TryGetValue(name, out var value) && value.Count > 0 ? value[0] : null;

    public bool Has(string name, string value) => values.TryGetValue(name, out var current) && current.Contains(value);

    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>A page: <paramref name="path"/> with this query, changed (a null value removes the parameter).</summary>
    public string Href(string path, params (string Name, string? Value)[] changes) => With(values, path, changes);

    /// <summary>The API request this page is made from, at <paramref name="apiPath"/>, changed likewise.</summary>
    public string Api(string apiPath, params (string Name, string? Value)[] changes) => With(ForApi(), apiPath, changes);

    private static string With(Dictionary<string, StringValues> values, string path, (string Name, string? Value)[] changes)
    {
        var changed = new Dictionary<string, StringValues>(values, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            if (value is null) changed.Remove(name);
            else changed[name] = value;
        }
        return QueryHelpers.AddQueryString(path, changed.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
    }

    /// <summary>The next page of a listing: the same query from <paramref name="cursor"/> on.</summary>
    public string? Next(string path, string? cursor) => cursor is null ? null : Href(path, ("cursor", cursor));

    /// <summary>The first page of a listing when this is a later one; null on the first page.</summary>
    public string? First(string path) => Has("cursor") ? Href(path, ("cursor", null)) : null;

    /// <summary>The whole filtered collection as CSV: the same query, without paging.</summary>
    public string Csv(string apiPath) => Api(apiPath, ("cursor", null), ("limit", null), ("format", "csv"));
}
