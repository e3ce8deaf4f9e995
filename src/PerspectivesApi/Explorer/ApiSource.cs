namespace PerspectivesApi.Explorer;

/// <summary>The API request a page is made from, declared on the page's route: the page shows what that
/// request answers, links to it (as JSON and CSV), and costs what it costs (<see cref="Http.RequestCosts"/>).</summary>
/// <param name="Template">The API path, with the page's route values in braces: <c>/v1/topics/{id}/stances</c>.</param>
public sealed record ApiSource(string Template)
{
    /// <summary>The API path for one request of the page, its route values filled in.</summary>
    public string PathFor(RouteValueDictionary values)
    {
        var path = Template;
        foreach (var (name, value) in values)
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value?.ToString() ?? ""), StringComparison.Ordinal);
        return path;
    }

    /// <summary>The API source of the page a request was routed to; null for any other request.</summary>
    public static ApiSource? Of(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<ApiSource>();
}

/// <summary>Where the explorer is: every path the API does not own (its versions, /v1 and any later /v2,
/// the health probes, Swagger UI). An unknown path there is the explorer's too, answered with an HTML page
/// (a 404), as every problem on it is.</summary>
public static class ExplorerPaths
{
    private static readonly PathString[] ApiPaths = ["/health", "/swagger"];

    public static bool Serves(PathString path)
    {
        foreach (var api in ApiPaths)
            if (path.StartsWithSegments(api)) return false;
        return !IsApiVersion(path);
    }

    /// <summary>/v1/…, /v2/…: a version of the API, whether or not this build has it.</summary>
    private static bool IsApiVersion(PathString path)
    {
        var value = path.Value.AsSpan();
        if (value.Length < 3 || value[0] != '/' || value[1] != 'v') return false;
        var segment = value[2..];
        var end = segment.IndexOf('/');
        if (end >= 0) segment = segment[..end];
        return segment.Length > 0 && !segment.ContainsAnyExceptInRange('0', '9');
    }

    public const string Stylesheet = "/explorer.css";
    public const string Icon = "/favicon.svg";

    public static string Topic(string id) => "/topics/" + Uri.EscapeDataString(id);
    public static string Article(string id) => "/articles/" + Uri.EscapeDataString(id);
    public static string Author(string id) => "/authors/" + Uri.EscapeDataString(id);
    public static string Outlet(string id) => "/outlets/" + Uri.EscapeDataString(id);

    /// <summary>A stance's quote, where it stands in its article's text.</summary>
    public static string Quote(string articleId, string stanceId) => Article(articleId) + "#" + QuoteAnchor(stanceId);

    /// <summary>The id of a quote's highlight in its article's text.</summary>
    public static string QuoteAnchor(string stanceId) => "quote-" + stanceId;

    /// <summary>The id of a stance's card on its article's page.</summary>
    public static string StanceAnchor(string stanceId) => "stance-" + stanceId;
}
