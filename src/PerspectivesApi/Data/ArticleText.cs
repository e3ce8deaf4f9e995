using System.Text;

namespace PerspectivesApi.Data;

/// <summary>Rules for article bodies and the quotes anchored in them. Quote offsets are counted in
/// Unicode code points (what Python's str indexes), end exclusive, so that a client in any language
/// can check <c>body[start:end] == quote</c>; .NET strings index UTF-16 units, hence the conversions.</summary>
public static class ArticleText
{
    public static string NormalizeBodyFile(string text)
    {
        text = NormalizeOrKeep(text.Replace("\r\n", "\n"), NormalizationForm.FormC);
        return text.TrimEnd('\n');
    }

    /// <summary>The text in <paramref name="form"/>, or as it is when it cannot be normalised (it has
    /// unpaired surrogates): validation refuses such text, naming the field, rather than failing here.</summary>
    public static string NormalizeOrKeep(string text, NormalizationForm form)
    {
        try { return text.Normalize(form); }
        catch (ArgumentException) { return text; }
    }

    /// <summary>The UTF-16 index of the code point at <paramref name="codePoint"/>, or -1 past the end.</summary>
    public static int Utf16Index(string text, int codePoint)
    {
        if (codePoint < 0) return -1;
        var index = 0;
        for (var i = 0; i < codePoint; i++)
        {
            if (index >= text.Length) return -1;
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
        }
        return index <= text.Length ? index : -1;
    }

    /// <summary>The text between two code-point offsets, or null when they do not fit the text.</summary>
    public static string? Slice(string text, int start, int end)
    {
        if (end < start) return null;
        var from = Utf16Index(text, start);
        var to = Utf16Index(text, end);
        return from < 0 || to < 0 ? null : text[from..to];
    }

    public static int CodePointLength(string text) => text.EnumerateRunes().Count();

    /// <summary>Where <paramref name="quote"/> stands in <paramref name="text"/>, as code-point offsets.</summary>
    public static IEnumerable<(int Start, int End)> Occurrences(string text, string quote)
    {
        if (quote.Length == 0) yield break;
        for (var index = text.IndexOf(quote, StringComparison.Ordinal); index >= 0; index = text.IndexOf(quote, index + 1, StringComparison.Ordinal))
        {
            var start = CodePointLength(text[..index]);
            yield return (start, start + CodePointLength(quote));
        }
    }

    /// <summary>The opening of a body for list views: about 280 characters, cut at a word.</summary>
    public static string Excerpt(string body)
    {
        const int length = 280;
        var firstParagraph = body.Split("\n\n", 2)[0];
        if (firstParagraph.Length <= length) return firstParagraph;
        var cut = firstParagraph.LastIndexOf(' ', length);
        return firstParagraph[..(cut > 0 ? cut : length)].TrimEnd(',', ';', ':', ' ') + "…";
    }
}
