using System.Globalization;
using System.Text;
using PerspectivesApi.Data;

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
        var tokens = Fts5Query.Tokenize(query);
        for (var t = 0; t < tokens.Count; t++)
        {
            var (kind, text) = tokens[t];
            switch (kind)
            {
                case Fts5Query.Kind.Phrase:
                    terms++;
                    lastTerm = text;
                    break;
                case Fts5Query.Kind.Word when text is "AND" or "OR" or "NOT" or "NEAR":
                    operators++;
                    lastTerm = null;
                    break;
                // Column names (title: …, {title body}: …) and NEAR's distance (NEAR(a b, 5)) are not terms.
                case Fts5Query.Kind.Word when inColumnList || afterComma || (t + 1 < tokens.Count && tokens[t + 1].Kind == Fts5Query.Kind.Colon):
                    lastTerm = null;
                    break;
                case Fts5Query.Kind.Word:
                    terms++;
                    lastTerm = text;
                    break;
                case Fts5Query.Kind.Star:
                    prefixes++;
                    if (lastTerm is not null && LettersBeforeStar(lastTerm) < MinPrefixLetters) shortPrefix ??= lastTerm;
                    break;
                case Fts5Query.Kind.OpenBrace: inColumnList = true; break;
                case Fts5Query.Kind.CloseBrace: inColumnList = false; break;
            }
            afterComma = kind == Fts5Query.Kind.Comma;
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
