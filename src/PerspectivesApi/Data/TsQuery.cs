using System.Globalization;
using System.Text;
using static PerspectivesApi.Data.Fts5Query;

namespace PerspectivesApi.Data;

/// <summary>Translates a full-text query written in FTS5's syntax (the contract's: words, "phrases", AND, OR,
/// NOT, parentheses, prefix*, column: filters, NEAR) into PostgreSQL's tsquery syntax, for
/// <c>to_tsquery('archive', …)</c>, which then stems and unaccents each word as the index did.
/// Only queries FTS5 accepts are translated: whether a query is valid is decided by FTS5's own parser
/// (<see cref="PostgresDialect.CheckSearchAsync"/>), so that both providers refuse the same queries with
/// the same message. Where tsquery has no equivalent, the translation matches at least what FTS5 matches:
/// NEAR(a b, n) becomes a AND b, and ^ (the first token of a column) is ignored.</summary>
public static class TsQuery
{
    /// <summary>The searchable columns of each index and the tsvector weight each was indexed with
    /// (db/migrations/postgresql/0002_search.sql); an index of one column has no weights to filter by.</summary>
    private static readonly Dictionary<string, string> Weights = new(StringComparer.Ordinal)
    {
        ["title"] = "A",
        ["body"] = "B",
    };

    public static string Translate(string query)
    {
        var parser = new Parser(Tokenize(query));
        var expression = parser.Or(weights: "");
        // A query of nothing but punctuation or symbols (an emoji) has no lexemes: the empty tsquery, which matches
        // nothing, as in FTS5. ("!''" was a syntax error in tsquery: such a query was answered 500.)
        return expression;
    }

    /// <summary>The words of a string as FTS5's unicode61 tokenizer splits it: runs of letters, digits and marks.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var inWord = Rune.IsLetterOrDigit(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.EnclosingMark or UnicodeCategory.PrivateUse;
            if (inWord) current.Append(rune.ToString());
            else if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int position;

        private Token? Peek => position < tokens.Count ? tokens[position] : null;

        private bool IsKeyword(string keyword) => Peek is { Kind: Kind.Word } t && t.Text == keyword;

        public string Or(string weights)
        {
            var parts = new List<string> { And(weights) };
            while (IsKeyword("OR")) { position++; parts.Add(And(weights)); }
            return Join(parts, " | ");
        }

        private string And(string weights)
        {
            var parts = new List<string> { Not(weights) };
            while (Peek is { } next && next.Kind != Kind.Close && !IsKeyword("OR"))
            {
                if (IsKeyword("AND")) position++;
                parts.Add(Not(weights));
            }
            return Join(parts, " & ");
        }

        private string Not(string weights)
        {
            var left = Primary(weights);
            while (IsKeyword("NOT"))
            {
                position++;
                var right = Primary(weights);
                left = right.Length == 0 ? left : $"({left} & !({right}))";
            }
            return left;
        }

        private string Primary(string weights)
        {
            var token = Peek ?? throw new FormatException("The query ends where a term was expected.");
            if (token.Kind == Kind.Open)
            {
                position++;
                var inner = Or(weights);
                if (Peek?.Kind == Kind.Close) position++;
                return inner.Length == 0 ? "" : $"({inner})";
            }
            if (token.Kind == Kind.Minus || token.Kind == Kind.OpenBrace || (token.Kind == Kind.Word && position + 1 < tokens.Count && tokens[position + 1].Kind == Kind.Colon))
                return ColumnFilter(weights);
            if (token.Kind == Kind.Word && token.Text == "NEAR" && position + 1 < tokens.Count && tokens[position + 1].Kind == Kind.Open)
                return Near(weights);
            if (token.Kind == Kind.Caret) { position++; return Primary(weights); }
            return Phrase(weights);
        }

        /// <summary>col: expr, {a b}: expr, -col: expr, -{a b}: expr, as weights of the lexemes below it.</summary>
        private string ColumnFilter(string weights)
        {
            var excluded = false;
            if (Peek?.Kind == Kind.Minus) { excluded = true; position++; }
            var columns = new List<string>();
            if (Peek?.Kind == Kind.OpenBrace)
            {
                position++;
                while (Peek is { Kind: Kind.Word } column) { columns.Add(column.Text); position++; }
                if (Peek?.Kind == Kind.CloseBrace) position++;
            }
            else columns.Add(tokens[position++].Text);
            if (Peek?.Kind == Kind.Colon) position++;
            var named = columns.Where(Weights.ContainsKey).Select(c => Weights[c]).ToHashSet();
            var chosen = excluded ? Weights.Values.Where(w => !named.Contains(w)).ToHashSet() : named;
            // A column of an index without weights (a stance's quote) filters nothing.
            var restricted = chosen.Count == 0 || chosen.Count == Weights.Count ? weights : string.Concat(chosen.Order());
            if (weights.Length > 0 && restricted != weights) restricted = string.Concat(restricted.Intersect(weights));
            return Primary(restricted);
        }

        /// <summary>NEAR(a b c, n): every phrase must match; tsquery cannot say "within n tokens of each other" for unordered phrases.</summary>
        private string Near(string weights)
        {
            position += 2; // NEAR (
            var parts = new List<string>();
            while (Peek is { } token && token.Kind != Kind.Close)
            {
                if (token.Kind == Kind.Comma) { position += 2; continue; } // the distance
                parts.Add(Phrase(weights));
            }
            if (Peek?.Kind == Kind.Close) position++;
            return Join(parts, " & ");
        }

        /// <summary>A word or "phrase", with * for a prefix and + joining phrases into one.</summary>
        private string Phrase(string weights)
        {
            var words = new List<string>();
            var prefix = false;
            while (true)
            {
                var token = tokens[position++];
                words.AddRange(Words(token.Text));
                if (Peek?.Kind == Kind.Star) { prefix = true; position++; }
                if (Peek?.Kind != Kind.Plus) break;
                position++;
            }
            if (words.Count == 0) return "";
            var lexemes = words.Select((w, i) => Lexeme(w, prefix && i == words.Count - 1, weights));
            return words.Count == 1 ? lexemes.First() : "(" + string.Join(" <-> ", lexemes) + ")";
        }

        private static string Lexeme(string word, bool prefix, string weights) =>
            "'" + word.Replace("'", "''", StringComparison.Ordinal).Replace("\\", "\\\\", StringComparison.Ordinal) + "'" +
            (prefix || weights.Length > 0 ? ":" + (prefix ? "*" : "") + weights : "");

        private static string Join(List<string> parts, string separator)
        {
            var kept = parts.Where(p => p.Length > 0).ToList();
            return kept.Count switch { 0 => "", 1 => kept[0], _ => "(" + string.Join(separator, kept) + ")" };
        }
    }
}
