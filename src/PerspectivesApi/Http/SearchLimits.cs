using System.Globalization;
using System.Text;

namespace PerspectivesApi.Http;

/// <summary>How large a full-text query (<c>q</c>) may be. The limits are far above what a person types
/// and far below what makes FTS5 expensive: a query's cost grows with its terms times their matches
/// (snippet and bm25 weigh every matched term against every other), and a short prefix such as
/// <c>a*</c> matches a large part of the vocabulary. 500 <c>a*</c> joined by OR took 219 s on five
/// articles; FTS5's own parser (which decides what is valid) runs after these checks.</summary>
public static class SearchLimits
{
    /// <summary>The contract's maxLength of q, with every other input's bounds (<see cref="Data.Bounds"/>).</summary>
    public const int MaxLength = Data.Bounds.Search;
    public const int MaxTerms = 16;
    public const int MaxOperators = MaxTerms - 1;
    public const int MaxPrefixTerms = 8;
    public const int MinPrefixLetters = 3;

    /// <summary>The limits in a sentence, for the parameter's description in the contract.</summary>
    public static readonly string Description =
        $"A query may be at most {MaxLength} characters long and have at most {MaxTerms} terms (each word, prefix* or \"quoted phrase\" " +
        $"counts as one) joined by at most {MaxOperators} operators (AND, OR, NOT, NEAR); at most {MaxPrefixTerms} of the terms may be " +
        $"prefixes, each with at least {MinPrefixLetters} letters or digits before the *. A query past these limits is a 400 naming q.";

    /// <returns>Which limit <paramref name="query"/> exceeds, as a message, or null when it is within all of them.</returns>
    public static string? Check(string query)
    {
        if (query.Length > MaxLength)
            return $"is {query.Length} characters long; a search may be at most {MaxLength}.";

        var terms = 0;
        var operators = 0;
        var prefixes = 0;
        string? lastTerm = null;
        string? shortPrefix = null;
        var inColumnList = false;
        var afterComma = false;
        for (var i = 0; i < query.Length;)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '"')
            {
                // A phrase; "" inside it is a literal quote. An unclosed one is left to FTS5's parser.
                var text = new StringBuilder();
                for (i++; i < query.Length; i++)
                {
                    if (query[i] != '"') text.Append(query[i]);
                    else if (i + 1 < query.Length && query[i + 1] == '"') text.Append(query[++i]);
                    else { i++; break; }
                }
                terms++;
                lastTerm = text.ToString();
                afterComma = false;
                continue;
            }
            if (IsBareword(c))
            {
                var start = i;
                while (i < query.Length && IsBareword(query[i])) i++;
                var word = query[start..i];
                var next = i;
                while (next < query.Length && char.IsWhiteSpace(query[next])) next++;
                if (word is "AND" or "OR" or "NOT" or "NEAR") { operators++; lastTerm = null; }
                // Column names (title: …, {title body}: …) and NEAR's distance (NEAR(a b, 5)) are not terms.
                else if (inColumnList || (next < query.Length && query[next] == ':') || afterComma) lastTerm = null;
                else { terms++; lastTerm = word; }
                afterComma = false;
                continue;
            }
            switch (c)
            {
                case '*':
                    prefixes++;
                    if (lastTerm is not null && LettersBeforeStar(lastTerm) < MinPrefixLetters) shortPrefix ??= lastTerm;
                    break;
                case '{': inColumnList = true; break;
                case '}': inColumnList = false; break;
            }
            afterComma = c == ',';
            i++;
        }

        if (terms > MaxTerms)
            return $"has {terms} terms; a search may have at most {MaxTerms} (each word, prefix* or \"quoted phrase\" counts as one).";
        if (operators > MaxOperators)
            return $"has {operators} operators; a search may have at most {MaxOperators} (AND, OR, NOT and NEAR).";
        if (prefixes > MaxPrefixTerms)
            return $"has {prefixes} prefix terms (word*); a search may have at most {MaxPrefixTerms}.";
        if (shortPrefix is not null)
            return $"has the prefix '{shortPrefix.Trim()}*', with fewer than {MinPrefixLetters} letters before the *; a prefix needs at least {MinPrefixLetters}.";
        return null;
    }

    /// <summary>FTS5's bareword characters: ASCII letters, digits and underscore, and anything non-ASCII.</summary>
    private static bool IsBareword(char c) => c > 127 || char.IsAsciiLetterOrDigit(c) || c == '_' || c == '\x1A';

    /// <summary>The length of the word the * extends: the last run of letters and digits (what the
    /// tokenizer keeps), counting accented letters once whether composed or not.</summary>
    private static int LettersBeforeStar(string term)
    {
        var letters = 0;
        foreach (var rune in term.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune)) letters++;
            else if (category is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)) letters = 0;
        }
        return letters;
    }
}
