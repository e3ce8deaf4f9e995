using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Articles;
using PerspectivesApi.Authors;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Stances;

/// <summary>Stances are written as the corpus manifest describes them. The quote must be the
/// article's own words: give its code-point offsets, or leave them out and the server finds the
/// quote's one occurrence. What the archive already knows need not be repeated: the time held defaults
/// to the article's date, the attribution of a maker's or an editorial voice's words is derived, and
/// the method and curator are those of the write.</summary>
public static class StanceWrites
{
    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string TopicId { get; init; } = "";
        public string ArticleId { get; init; } = "";
        public string? AuthorId { get; init; }
        public string Position { get; init; } = "";
        public string Quote { get; init; } = "";
        public long QuoteStart { get; init; }
        public long QuoteEnd { get; init; }
        public string Summary { get; init; } = "";
        public string? Condition { get; init; }
        public string? AttributionKind { get; init; }
        public string? AttributionVia { get; init; }
        public string? HeldDate { get; init; }
        public string? HeldPrecision { get; init; }
        public string? HeldReasoning { get; init; }
        public string? Method { get; init; }
        public string? Curator { get; init; }
        public string? Confidence { get; init; }
        public string? Note { get; init; }
    }

    public static async Task<StanceEntry?> LoadAsync(SqliteConnection connection, string id) =>
        await connection.QuerySingleOrDefaultAsync<Row>("""
            SELECT id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary, condition,
                   attribution_kind, attribution_via, held_date, held_precision, held_reasoning, method, curator, confidence, note
            FROM stances WHERE id = @id
            """, new { id })
        is { } r
            ? new StanceEntry(r.Id, r.TopicId, r.ArticleId, r.AuthorId, r.Position, r.Quote, (int)r.QuoteStart, (int)r.QuoteEnd, r.Summary,
                r.Condition, r.AttributionKind is null ? null : new AttributionEntry(r.AttributionKind, r.AttributionVia),
                r.HeldDate is null ? null : new HeldEntry(r.HeldDate, r.HeldPrecision!, r.HeldReasoning),
                r.Method, r.Curator, r.Confidence, r.Note)
            : null;

    public static readonly WriteModel<StanceEntry> Model = new()
    {
        Name = Http.ResourceName.Stance,
        IdOf = d => d.Id,
        DerivesIdFrom = "author (or article) and topic",
        NameOf = d => d.Topic is null ? null : $"{d.Author ?? d.Article} {d.Topic}",
        WithId = (d, id) => d with { Id = id },
        // The quote is the article's own words, line breaks included.
        TextBlocks = ["quote"],
        LoadAsync = LoadAsync,
        RepresentAsync = async (connection, id, cancellationToken) => await StanceQueries.FindAsync(connection, id, cancellationToken),
        Rules = async (context, s, errors) =>
        {
            if (string.IsNullOrWhiteSpace(s.Topic)) errors.Add("topic", "is required.");
            else await errors.ReferenceAsync(context, "topic", s.Topic, TopicWrites.Model);
            if (s.Author is null)
                errors.Add("author", "is required: the voice holding the position, a person, an institution, a group or the piece's editorial voice (an author of kind editorial), named rather than left null.");
            await errors.ReferenceAsync(context, "author", s.Author, AuthorWrites.Model);
            errors.OneOf("position", s.Position, Vocabulary.Positions.Values);
            errors.Required("summary", s.Summary, Bounds.Summary);
            errors.NotBlank("condition", s.Condition, Bounds.Condition);
            errors.NotBlank("note", s.Note, Bounds.StanceNote);
            errors.OneOf("confidence", s.Confidence, Vocabulary.Confidences.Values, optional: true);
            if (s.Confidence is Confidence.Medium or Confidence.Low && string.IsNullOrWhiteSpace(s.Note))
                errors.Add("note", $"is required when confidence is {s.Confidence}: say what makes the reading debatable.");

            // How it was read, and by whom: the write's own, unless the document says.
            s = s with { Method = s.Method ?? context.Method, Curator = s.Curator ?? context.Curator };
            errors.OneOf("method", s.Method, Vocabulary.Methods.Values);
            if (!CorpusImport.IsSlug(s.Curator))
                errors.Add("curator", $"must be a curator's name (lowercase letters, digits and single hyphens, such as a key's name or seed-corpus); got {(s.Curator is null ? "null" : $"'{s.Curator}'")}.");

            var quoted = errors.Required("quote", s.Quote, Bounds.Quote);
            if (string.IsNullOrWhiteSpace(s.Article)) { errors.Add("article", "is required."); return s; }
            await errors.ReferenceAsync(context, "article", s.Article, ArticleWrites.Model);
            if (errors.Has("article")) return s;
            // The article as it will be once this write is applied: one written together with the
            // stance counts with its new body, credits and date.
            if (await context.FindAsync(ArticleWrites.Model, s.Article) is not { } article) return s;

            s = await AttributionAsync(context, s, article, errors);
            s = WhenHeld(s, article, errors);
            return quoted ? Anchored(s, article, errors) : s;
        },
        InsertAsync = (connection, s) => connection.ExecuteAsync("""
            INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary, condition,
                                 attribution_kind, attribution_via, held_date, held_precision, held_reasoning, method, curator, confidence, note)
            VALUES (@Id, @Topic, @Article, @Author, @Position, @Quote, @Start, @End, @Summary, @Condition,
                    @AttributionKind, @AttributionVia, @HeldDate, @HeldPrecision, @HeldReasoning, @Method, @Curator, @Confidence, @Note)
            """, Columns(s)),
        UpdateAsync = (connection, s) => connection.ExecuteAsync("""
            UPDATE stances SET topic_id = @Topic, article_id = @Article, author_id = @Author, position = @Position,
                               quote = @Quote, quote_start = @Start, quote_end = @End, summary = @Summary, condition = @Condition,
                               attribution_kind = @AttributionKind, attribution_via = @AttributionVia,
                               held_date = @HeldDate, held_precision = @HeldPrecision, held_reasoning = @HeldReasoning,
                               method = @Method, curator = @Curator, confidence = @Confidence, note = @Note
            WHERE id = @Id
            """, Columns(s)),
        DeleteBlockerAsync = (_, _) => Task.FromResult<string?>(null),
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM stances WHERE id = @id", new { id }),
    };

    /// <summary>How the words reach us. Left out, it is derived where the archive knows it: an editorial
    /// voice speaks editorially, a voice credited as the piece's author, interviewer or interviewee in its
    /// own words. Words relayed by someone else must say so, and through whom.</summary>
    private static async Task<StanceEntry> AttributionAsync(WriteContext context, StanceEntry s, ArticleEntry article, FieldErrors errors)
    {
        if (s.Author is null || errors.Has("author")) return s;
        var voice = await context.FindAsync(AuthorWrites.Model, s.Author);
        var maker = (article.Credits ?? []).Any(c => c?.Author == s.Author && CreditRole.Makers.Contains(c.Role));
        if (s.Attribution is null)
        {
            if (voice?.Kind == VoiceKind.Editorial) return s with { Attribution = new AttributionEntry(AttributionKind.Editorial, null) };
            if (maker) return s with { Attribution = new AttributionEntry(AttributionKind.OwnWords, null) };
            errors.Add("attribution", $"is required: '{s.Author}' is not credited as a maker of article '{s.Article}', so say how the words reach us ({string.Join(", ", Vocabulary.AttributionKinds.Values)}) and, for quoted or reported words, via whom.");
            return s;
        }

        var kind = s.Attribution.Kind;
        errors.OneOf("attribution.kind", kind, Vocabulary.AttributionKinds.Values);
        if (AttributionKind.Relayed.Contains(kind))
        {
            if (s.Attribution.Via is null) errors.Add("attribution.via", $"is required for {kind} words: the voice that relays them (an author id).");
            else if (s.Attribution.Via == s.Author) errors.Add("attribution.via", $"is the stance's own voice: {kind} words reach us through someone else.");
            else await errors.ReferenceAsync(context, "attribution.via", s.Attribution.Via, AuthorWrites.Model);
        }
        else if (s.Attribution.Via is not null)
            errors.Add("attribution.via", $"must be null for {kind} words, which no one else relays.");
        if (kind == AttributionKind.Editorial && voice is not null && voice.Kind != VoiceKind.Editorial)
            errors.Add("attribution.kind", $"is editorial, but '{s.Author}' is a voice of kind {voice.Kind}: the editorial attribution belongs to a piece's own voice (kind editorial).");
        if (kind == AttributionKind.OwnWords && voice?.Kind == VoiceKind.Editorial)
            errors.Add("attribution.kind", $"is own-words, but '{s.Author}' is an editorial voice: its words are editorial.");
        return s;
    }

    /// <summary>When the position was held: the article's date at its precision unless the document says
    /// otherwise, in which case it says why.</summary>
    private static StanceEntry WhenHeld(StanceEntry s, ArticleEntry article, FieldErrors errors)
    {
        if (s.HeldAt is null)
            return article.Published is { } published ? s with { HeldAt = new HeldEntry(published.Date, published.Precision, null) } : s;
        errors.OneOf("heldAt.precision", s.HeldAt.Precision, Vocabulary.Precisions.Values);
        if (!PublishedDate.IsValid(s.HeldAt.Date, s.HeldAt.Precision))
            errors.Add("heldAt.date", $"'{s.HeldAt.Date}' is not a valid date at precision '{s.HeldAt.Precision}' (day: 2025-07-04, month: 2025-07, year: 2025).");
        errors.NotBlank("heldAt.reasoning", s.HeldAt.Reasoning, Bounds.HeldReasoning);
        var sameAsArticle = article.Published is { } date && date.Date == s.HeldAt.Date && date.Precision == s.HeldAt.Precision;
        if (!sameAsArticle && string.IsNullOrWhiteSpace(s.HeldAt.Reasoning))
            errors.Add("heldAt.reasoning", "is required when the time held differs from the article's date: say why (a reported position older than the piece, a text dated by its original).");
        return s;
    }

    /// <summary>The quote is the article's own words, at its offsets, and not a passage the capture
    /// repeats out of place.</summary>
    private static StanceEntry Anchored(StanceEntry s, ArticleEntry article, FieldErrors errors)
    {
        if (article.Body is not { } body) return s;
        if (s.Start is null && s.End is null)
        {
            // No offsets given: the quote's one occurrence fixes them.
            var occurrences = ArticleText.Occurrences(body, s.Quote).Take(2).ToList();
            if (occurrences.Count == 1) s = s with { Start = occurrences[0].Start, End = occurrences[0].End };
            else
            {
                errors.Add("quote", occurrences.Count == 0
                    ? $"does not occur in the body of article '{s.Article}': a quote must be the article's own words, character for character."
                    : $"occurs more than once in article '{s.Article}': give start and end (code points) to say which.");
                return s;
            }
        }
        else if (s.Start is null || s.End is null || ArticleText.Slice(body, s.Start.Value, s.End.Value) != s.Quote)
        {
            errors.Add("quote", $"is not the text of article '{s.Article}' at code points {s.Start}–{s.End}.");
            return s;
        }
        foreach (var splice in (article.CaptureNotes ?? []).Where(n => n?.Kind == CaptureNoteKind.Splice && n.Start < s.End && s.Start < n.End))
            errors.Add("quote", $"overlaps code points {splice.Start}–{splice.End} of article '{s.Article}', which its capture notes record as spliced in out of place: quote the passage where it belongs.");
        return s;
    }

    /// <summary>The stance's columns, as SQL parameters.</summary>
    private static object Columns(StanceEntry s) => new
    {
        s.Id, s.Topic, s.Article, s.Author, s.Position, s.Quote, s.Start, s.End, s.Summary, s.Condition,
        AttributionKind = s.Attribution?.Kind,
        AttributionVia = s.Attribution?.Via,
        HeldDate = s.HeldAt?.Date,
        HeldPrecision = s.HeldAt?.Precision,
        HeldReasoning = s.HeldAt?.Reasoning,
        s.Method, s.Curator, s.Confidence, s.Note,
    };
}
