using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace PerspectivesApi.Tests.Explorer;

/// <summary>Reads the explorer's pages as a browser's parser does (AngleSharp, HTML5).</summary>
public static class Html
{
    private static readonly HtmlParser Parser = new();

    /// <summary>GET a page: it must answer <paramref name="status"/> as text/html, and parse.</summary>
    public static async Task<IDocument> GetPageAsync(this HttpClient client, string url, int status = 200)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"GET {url} answered {(int)response.StatusCode}, not {status}: {body[..Math.Min(body.Length, 2000)]}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return Parser.ParseDocument(body);
    }

    /// <summary>The element's text as a reader sees it, less the reference links (the [3] after a quote).</summary>
    public static string TextWithoutReferences(this IElement element)
    {
        var copy = (IElement)element.Clone();
        foreach (var reference in copy.QuerySelectorAll("a.ref").ToList()) reference.Remove();
        return copy.TextContent;
    }

    /// <summary>The stance ids a page's cards link to, in order: each card's quote link ends in #quote-{id}.</summary>
    public static List<string> StanceIds(this IParentNode page) => page.QuerySelectorAll("article.stance")
        .Select(card => card.QuerySelectorAll("a").Select(a => a.GetAttribute("href") ?? "").Single(href => href.Contains("#quote-")))
        .Select(href => href[(href.IndexOf("#quote-", StringComparison.Ordinal) + "#quote-".Length)..])
        .ToList();

    /// <summary>The href of the link with exactly this text, which must be there once.</summary>
    public static string Link(this IParentNode page, string text, string? within = null) =>
        page.QuerySelectorAll((within is null ? "" : within + " ") + "a").Where(a => a.TextContent.Trim() == text)
            .Select(a => a.GetAttribute("href")!).Single();

    /// <summary>The JSON (or CSV) link of one of the page's data sources, named as the page names it.</summary>
    public static string DataLink(this IDocument page, string what, string format = "JSON") =>
        page.QuerySelectorAll("footer .data li").Single(li => li.TextContent.StartsWith(what, StringComparison.OrdinalIgnoreCase))
            .QuerySelectorAll("a").Single(a => a.TextContent == format).GetAttribute("href")!;
}
