using Microsoft.Extensions.Primitives;

namespace PerspectivesApi.Http;

/// <summary>What a request costs the archive, for the rate limiter's budgets.</summary>
public enum RequestCost
{
    /// <summary>A page, a resource, a summary, a write: bounded by the page size.</summary>
    Cheap,

    /// <summary>Work that grows with the archive rather than the page: full-text search, facets, counts.</summary>
    Expensive,

    /// <summary>Expensive, and it streams for as long as the whole result takes: a collection export or the snapshot.</summary>
    Export,
}

/// <summary>Tells what a request will cost from the request alone (method, path, query, Accept), before
/// any endpoint runs: it must be cheap, because every request pays for it, and it must agree with how
/// the endpoints read the same parameters (<see cref="ListRequest"/>, <see cref="ListFormats"/>).</summary>
public static class RequestCosts
{
    public const string SnapshotPath = "/v1/export/archive.sqlite";
    public const string TablesPath = "/v1/export/tables";

    /// <summary>After routing: a page of the explorer costs what the API request it is made from costs
    /// (a search page is a search), whatever it asks to be sent as.</summary>
    public static RequestCost Classify(HttpRequest request) => Explorer.ApiSource.Of(request.HttpContext) is { } source
        ? Classify(request.Method, source.PathFor(request.RouteValues), request.Query, default)
        : Classify(request.Method, request.Path, request.Query, request.Headers.Accept);

    public static RequestCost Classify(string method, PathString path, IQueryCollection query, StringValues accept)
    {
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || !path.StartsWithSegments("/v1")) return RequestCost.Cheap;
        if (path.Equals(SnapshotPath, StringComparison.Ordinal)) return RequestCost.Export;
        // A table download streams a whole table; the list of them is a small document.
        if (path.StartsWithSegments(TablesPath, out var table) && table.HasValue && table.Value != "/") return RequestCost.Export;

        // format=json is a page; any other value is an export (or a 400 the endpoint will explain,
        // which is charged as an export: refusing it costs little, and it cannot be used to dodge the budget).
        if (query.TryGetValue("format", out var format) && format.Any(f => f != "json")) return RequestCost.Export;
        if (format.Count == 0 && accept.Count > 0 && ListFormats.Negotiate(null, accept) is { } negotiated && negotiated != ListFormat.Json)
            return RequestCost.Export;

        if (path.StartsWithSegments("/v1/search")
            || query.ContainsKey("q")
            || query.ContainsKey("facet")
            || (query.TryGetValue("count", out var count) && count.Any(c => string.Equals(c?.Trim(), "true", StringComparison.OrdinalIgnoreCase))))
            return RequestCost.Expensive;
        return RequestCost.Cheap;
    }
}
