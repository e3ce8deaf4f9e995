using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;

namespace PerspectivesApi.Stances;

/// <summary>Stances are written as the corpus manifest describes them. The quote must be the
/// article's own words: give its code-point offsets, or leave them out and the server finds the
/// quote's one occurrence.</summary>
public static class StanceWrites
{
    private static CorpusManifest Manifest(StanceEntry stance) => new([], [], [], [], [stance]);

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
        LoadAsync = LoadAsync,
        RepresentAsync = async (connection, id, cancellationToken) => await StanceQueries.FindAsync(connection, id, cancellationToken),
        ValidateAsync = async (connection, d, errors) =>
        {
            try
            {
                var validated = await CorpusImport.ValidateAsync(connection, null, Manifest(d), new Dictionary<string, string>());
                return validated.Stances[0];
            }
            catch (CorpusValidationException e)
            {
                errors.AddFromImport(e, "stances");
                return d;
            }
        },
        InsertAsync = (connection, d) => CorpusImport.UpsertAsync(connection, null, Manifest(d), new Dictionary<string, string>()),
        UpdateAsync = (connection, d) => CorpusImport.UpsertAsync(connection, null, Manifest(d), new Dictionary<string, string>()),
        DeleteBlockerAsync = (_, _) => Task.FromResult<string?>(null),
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM stances WHERE id = @id", new { id }),
    };
}
