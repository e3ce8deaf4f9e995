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
/// quote's one occurrence.</summary>
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
    }

    public static async Task<StanceEntry?> LoadAsync(SqliteConnection connection, string id) =>
        await connection.QuerySingleOrDefaultAsync<Row>(
            "SELECT id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary FROM stances WHERE id = @id", new { id })
        is { } r ? new StanceEntry(r.Id, r.TopicId, r.ArticleId, r.AuthorId, r.Position, r.Quote, (int)r.QuoteStart, (int)r.QuoteEnd, r.Summary) : null;

    public static readonly WriteModel<StanceEntry> Model = new()
    {
        Collection = "stances",
        Resource = "stance",
        Table = "stances",
        IdOf = d => d.Id,
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
            await errors.ReferenceAsync(context, "author", s.Author, AuthorWrites.Model);
            errors.OneOf("position", s.Position, CorpusImport.Positions);
            errors.Required("summary", s.Summary, 1000);
            var quoted = errors.Required("quote", s.Quote, 5000);
            if (string.IsNullOrWhiteSpace(s.Article)) { errors.Add("article", "is required."); return s; }
            await errors.ReferenceAsync(context, "article", s.Article, ArticleWrites.Model);
            if (!quoted || errors.Has("article")) return s;

            // The body as it will be once this write is applied: an article written together with the
            // stance counts with its new body.
            if ((await context.FindAsync(ArticleWrites.Model, s.Article))?.Body is not { } body) return s;
            if (s.Start is null && s.End is null)
            {
                // No offsets given: the quote's one occurrence fixes them.
                var occurrences = ArticleText.Occurrences(body, s.Quote).Take(2).ToList();
                if (occurrences.Count == 1) return s with { Start = occurrences[0].Start, End = occurrences[0].End };
                errors.Add("quote", occurrences.Count == 0
                    ? $"does not occur in the body of article '{s.Article}': a quote must be the article's own words, character for character."
                    : $"occurs more than once in article '{s.Article}': give start and end (code points) to say which.");
            }
            else if (s.Start is null || s.End is null || ArticleText.Slice(body, s.Start.Value, s.End.Value) != s.Quote)
                errors.Add("quote", $"is not the text of article '{s.Article}' at code points {s.Start}–{s.End}.");
            return s;
        },
        InsertAsync = (connection, s) => connection.ExecuteAsync("""
            INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary)
            VALUES (@Id, @Topic, @Article, @Author, @Position, @Quote, @Start, @End, @Summary)
            """, s),
        UpdateAsync = (connection, s) => connection.ExecuteAsync("""
            UPDATE stances SET topic_id = @Topic, article_id = @Article, author_id = @Author, position = @Position,
                               quote = @Quote, quote_start = @Start, quote_end = @End, summary = @Summary
            WHERE id = @Id
            """, s),
        DeleteBlockerAsync = (_, _) => Task.FromResult<string?>(null),
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM stances WHERE id = @id", new { id }),
    };
}
