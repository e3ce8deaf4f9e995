using System.Text;

namespace PerspectivesApi.Data;

/// <summary>A full-text query in FTS5's syntax read into tokens, as FTS5's own query parser reads it: barewords,
/// "quoted phrases" ("" inside one is a literal quote; an unclosed one runs to the end), and the punctuation the
/// syntax gives meaning to. One reading for everything that looks into a query before FTS5 judges it: the limits
/// on its size (<see cref="Http.SearchLimits"/>) and its translation for PostgreSQL (<see cref="TsQuery"/>).</summary>
public static class Fts5Query
{
    public enum Kind { Word, Phrase, Open, Close, Star, Colon, Plus, Caret, Comma, OpenBrace, CloseBrace, Minus, Other }

    public sealed record Token(Kind Kind, string Text);

    public static List<Token> Tokenize(string query)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < query.Length;)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '"')
            {
                var text = new StringBuilder();
                for (i++; i < query.Length; i++)
                {
                    if (query[i] != '"') text.Append(query[i]);
                    else if (i + 1 < query.Length && query[i + 1] == '"') text.Append(query[++i]);
                    else { i++; break; }
                }
                tokens.Add(new Token(Kind.Phrase, text.ToString()));
                continue;
            }
            if (IsBareword(c))
            {
                var start = i;
                while (i < query.Length && IsBareword(query[i])) i++;
                tokens.Add(new Token(Kind.Word, query[start..i]));
                continue;
            }
            tokens.Add(new Token(c switch
            {
                '(' => Kind.Open, ')' => Kind.Close, '*' => Kind.Star, ':' => Kind.Colon, '+' => Kind.Plus, '^' => Kind.Caret,
                ',' => Kind.Comma, '{' => Kind.OpenBrace, '}' => Kind.CloseBrace, '-' => Kind.Minus,
                _ => Kind.Other, // FTS5 refuses any other character outside a phrase
            }, c.ToString()));
            i++;
        }
        return tokens;
    }

    /// <summary>FTS5's bareword characters: ASCII letters, digits and underscore, and every non-ASCII character.</summary>
    private static bool IsBareword(char c) => c > 127 || char.IsAsciiLetterOrDigit(c) || c == '_' || c == '\u001A';
}
