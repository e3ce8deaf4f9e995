using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;

namespace PerspectivesApi.Articles;

/// <summary>Articles are written as the corpus manifest describes them (with the body as text), and
/// validated and stored by the corpus import: one set of rules for the seed, imports and the API.</summary>
public static class ArticleWrites
{
    private static CorpusManifest Manifest(ArticleEntry article) => new([], [], [], [article], []);

    public static async Task<ArticleEntry?> LoadAsync(SqliteConnection connection, string id)
    {
        var row = await ArticleQueries.RowAsync(connection, id, CancellationToken.None);
        if (row is null) return null;
        var credits = (await connection.QueryAsync<(string Author, string Role)>(
            "SELECT author_id, role FROM credits WHERE article_id = @id ORDER BY ordinal", new { id })).Select(c => new CreditEntry(c.Author, c.Role)).ToList();
        return new ArticleEntry(row.Id, row.Title, row.Genre, row.Language, row.OutletId, row.Url,
            row.PublishedDate is null ? null : new PublishedEntry(row.PublishedDate, row.PublishedPrecision!, row.PublishedInferred == 1, row.PublishedReasoning),
            row.Body, credits,
            row.RepublishedFromOutletId is null && row.RepublishedFromUrl is null && row.RepublishedNote is null
                ? null : new RepublishedEntry(row.RepublishedFromOutletId, row.RepublishedFromUrl, row.RepublishedNote),
            row.SourceFile is null && row.SourceSha256 is null ? null : new ProvenanceEntry(row.SourceFile!, row.SourceSha256!));
    }

    public static readonly WriteModel<ArticleEntry> Model = new()
    {
        Collection = "articles",
        Resource = "article",
        Table = "articles",
        IdOf = d => d.Id,
        NameOf = d => d.Title,
        WithId = (d, id) => d with { Id = id },
        LoadAsync = LoadAsync,
        RepresentAsync = async (connection, id, cancellationToken) => await ArticleQueries.FindAsync(connection, id, cancellationToken),
        ValidateAsync = async (connection, d, errors) =>
        {
            d = d with { Body = d.Body is null ? null! : ArticleText.NormalizeBodyFile(d.Body), Credits = d.Credits ?? [] };
            try { await CorpusImport.ValidateAsync(connection, null, Manifest(d), CorpusImport.Bodies(Manifest(d), body => body)); }
            catch (CorpusValidationException e) { errors.AddFromImport(e, "articles"); }
            // A new body must keep every recorded quote at its offsets: the archive's quotes are
            // always the article's own words.
            if (d.Id is not null && d.Body is not null)
            {
                foreach (var (stance, quote, start, end) in await connection.QueryAsync<(string, string, long, long)>(
                             "SELECT id, quote, quote_start, quote_end FROM stances WHERE article_id = @id ORDER BY id", new { id = d.Id }))
                {
                    if (ArticleText.Slice(d.Body, (int)start, (int)end) != quote)
                        errors.Add("body", $"would move or remove the words stance '{stance}' quotes at code points {start}–{end} (\"{(quote.Length > 60 ? quote[..60] + "…" : quote)}\"); update or delete that stance first.");
                }
            }
            return d;
        },
        InsertAsync = (connection, d) => CorpusImport.UpsertAsync(connection, null, Manifest(d), CorpusImport.Bodies(Manifest(d), body => body)),
        UpdateAsync = (connection, d) => CorpusImport.UpsertAsync(connection, null, Manifest(d), CorpusImport.Bodies(Manifest(d), body => body)),
        DeleteBlockerAsync = async (connection, id) =>
        {
            var stances = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM stances WHERE article_id = @id", new { id });
            return stances == 0 ? null : $"{stances} stance(s) quote the article '{id}'.";
        },
        CascadeAsync = async (connection, id) =>
        {
            var ids = (await connection.QueryAsync<string>("SELECT id FROM stances WHERE article_id = @id ORDER BY id", new { id })).ToList();
            var deleted = new List<(string, string, object)>();
            foreach (var stanceId in ids) deleted.Add(("stances", stanceId, (await Stances.StanceWrites.LoadAsync(connection, stanceId))!));
            await connection.ExecuteAsync("DELETE FROM stances WHERE article_id = @id", new { id });
            return deleted;
        },
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM articles WHERE id = @id", new { id }),
    };
}
