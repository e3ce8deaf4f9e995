namespace PerspectivesApi.Explorer;

/// <summary>A paragraph of an article's body, with the quotes of its stances marked.</summary>
public sealed record BodyParagraph(IReadOnlyList<BodyNode> Nodes);

public abstract record BodyNode;

/// <summary>Text of the body, as archived.</summary>
public sealed record BodyText(string Text) : BodyNode;

/// <summary>A stance's quote, or the part of it in one paragraph (or beside a quote it overlaps).</summary>
/// <param name="Number">The stance's number on the page, which its reference link shows.</param>
/// <param name="First">Whether the quote starts here: its anchor goes here, where a link to it scrolls.</param>
/// <param name="Last">Whether the quote ends here: the link to its stance goes here.</param>
public sealed record BodyQuote(string StanceId, string TopicTitle, int Number, bool First, bool Last, IReadOnlyList<BodyNode> Children) : BodyNode;

/// <summary>A quote to mark: its stance, and where it stands in the body in code points (as the API counts).</summary>
public sealed record QuoteSpan(string StanceId, string TopicTitle, int Number, int Start, int End);

/// <summary>Cuts an article's body into paragraphs (separated by a blank line) and marks every quote in
/// them. Quotes may span paragraphs, nest, or overlap without nesting: a quote is then marked in parts,
/// the first carrying its anchor and the last its link, so that the marks always nest as HTML requires.
/// Offsets that do not fit the body (which validation never lets in) mark nothing.</summary>
public static class QuotedBody
{
    private sealed record Part(QuoteSpan Quote, int Start, int End, bool First, bool Last);

    public static IReadOnlyList<BodyParagraph> Mark(string body, IEnumerable<QuoteSpan> quotes)
    {
        // Code-point offsets as UTF-16 indexes, once for the whole body.
        var utf16 = new List<int>(body.Length + 1);
        for (var i = 0; i < body.Length; i += char.IsHighSurrogate(body[i]) && i + 1 < body.Length ? 2 : 1) utf16.Add(i);
        utf16.Add(body.Length);
        var spans = quotes
            .Where(q => q.Start >= 0 && q.Start < q.End && q.End < utf16.Count)
            .Select(q => (Quote: q, Start: utf16[q.Start], End: utf16[q.End]))
            .ToList();

        var paragraphs = new List<BodyParagraph>();
        var start = 0;
        while (start <= body.Length)
        {
            var separator = body.IndexOf("\n\n", start, StringComparison.Ordinal);
            var end = separator < 0 ? body.Length : separator;
            if (end > start)
            {
                var parts = spans
                    .Where(s => s.Start < end && s.End > start)
                    .Select(s => new Part(s.Quote, Math.Max(s.Start, start), Math.Min(s.End, end), s.Start >= start, s.End <= end))
                    .ToList();
                paragraphs.Add(new BodyParagraph(Nest(body, start, end, parts)));
            }
            if (separator < 0) break;
            start = separator + 2;
        }
        return paragraphs;
    }

    /// <summary>The nodes of body[from..to): text, and the parts (all inside the range) as nested marks.</summary>
    private static List<BodyNode> Nest(string body, int from, int to, List<Part> parts)
    {
        var nodes = new List<BodyNode>();
        var position = from;
        var pending = Ordered(parts);
        while (pending.Count > 0)
        {
            var outer = pending[0];
            pending.RemoveAt(0);
            if (outer.Start > position) nodes.Add(new BodyText(body[position..outer.Start]));
            // Parts that start inside this one go inside it; one that ends beyond it is cut at its end,
            // and the rest of it waits its turn after this one.
            var inside = new List<Part>();
            var after = new List<Part>();
            foreach (var part in pending)
            {
                if (part.Start >= outer.End) { after.Add(part); continue; }
                if (part.End <= outer.End) { inside.Add(part); continue; }
                inside.Add(part with { End = outer.End, Last = false });
                after.Add(part with { Start = outer.End, First = false });
            }
            nodes.Add(new BodyQuote(outer.Quote.StanceId, outer.Quote.TopicTitle, outer.Quote.Number, outer.First, outer.Last,
                Nest(body, outer.Start, outer.End, inside)));
            position = outer.End;
            pending = Ordered(after);
        }
        if (to > position) nodes.Add(new BodyText(body[position..to]));
        return nodes;
    }

    private static List<Part> Ordered(IEnumerable<Part> parts) =>
        parts.Where(p => p.End > p.Start).OrderBy(p => p.Start).ThenByDescending(p => p.End).ThenBy(p => p.Quote.Number).ToList();
}
