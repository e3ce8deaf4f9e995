namespace PerspectivesApi.Search;

/// <summary>The passage of a search hit, as FTS5's snippet() returns it: the archived text with a marker
/// before and after each matched term. The markers are control characters, which no archived text may
/// hold (<see cref="Curation.FieldErrors.PlainText"/>), so a marker is always one snippet() put there:
/// a title or quote that itself says "&lt;mark&gt;" stays text, in the explorer's highlighting too.</summary>
public static class SearchSnippet
{
    public const char Open = '\u0002';
    public const char Close = '\u0003';

    /// <summary>The markers as SQL expressions, for the snippet() calls.</summary>
    public const string OpenSql = "char(2)";
    public const string CloseSql = "char(3)";

    /// <summary>The snippet as the API serves it: each matched term wrapped in &lt;mark&gt;…&lt;/mark&gt;.</summary>
    public static string Marked(string snippet) =>
        snippet.Replace(Open.ToString(), "<mark>", StringComparison.Ordinal).Replace(Close.ToString(), "</mark>", StringComparison.Ordinal);

    /// <summary>The snippet's text in order, in pieces that are matched terms or not, without the markers.</summary>
    public static IReadOnlyList<SnippetPiece> Pieces(string snippet)
    {
        var pieces = new List<SnippetPiece>();
        var matched = false;
        var start = 0;
        for (var i = 0; i <= snippet.Length; i++)
        {
            if (i < snippet.Length && snippet[i] is not (Open or Close)) continue;
            if (i > start) pieces.Add(new SnippetPiece(snippet[start..i], matched));
            if (i < snippet.Length) matched = snippet[i] == Open;
            start = i + 1;
        }
        return pieces;
    }
}

/// <summary>A run of a snippet's text, and whether it is a matched term.</summary>
public sealed record SnippetPiece(string Text, bool Matched);
