using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Authors;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;
using PerspectivesApi.Outlets;
using PerspectivesApi.Stances;

namespace PerspectivesApi.Articles;

/// <summary>Articles are written as the corpus manifest describes them, with the body as text: one
/// set of rules and one way of storing them for the routes, imports and the seed corpus.</summary>
public static partial class ArticleWrites
{
    public static async Task<ArticleEntry?> LoadAsync(SqliteConnection connection, string id)
    {
        var row = await ArticleQueries.RowAsync(connection, id, CancellationToken.None);
        if (row is null) return null;
        return new ArticleEntry(row.Id, row.Title, row.Genre, row.Language, row.OutletId, row.Url,
            row.PublishedDate is null ? null : new PublishedEntry(row.PublishedDate, row.PublishedPrecision!, row.PublishedInferred == 1, row.PublishedReasoning),
            row.Body, await CreditsAsync(connection, id),
            row.RepublishedFromOutletId is null && row.RepublishedFromUrl is null && row.RepublishedNote is null && row.RepublishedFromDate is null
                ? null : new RepublishedEntry(row.RepublishedFromOutletId, row.RepublishedFromUrl, row.RepublishedNote,
                    row.RepublishedFromDate is null ? null : new PublishedEntry(row.RepublishedFromDate, row.RepublishedFromPrecision!, row.RepublishedFromInferred == 1, row.RepublishedFromReasoning)),
            row.SourceFile is null && row.SourceSha256 is null ? null : new ProvenanceEntry(row.SourceFile!, row.SourceSha256!),
            ArticleQueries.CaptureNotes(row.CaptureNotes));
    }

    private static async Task<List<CreditEntry>> CreditsAsync(SqliteConnection connection, string id) =>
        (await connection.QueryAsync<(string Author, string Role)>(
            "SELECT author_id, role FROM credits WHERE article_id = @id ORDER BY ordinal", new { id })).Select(c => new CreditEntry(c.Author, c.Role)).ToList();

    public static readonly WriteModel<ArticleEntry> Model = new()
    {
        Name = Http.ResourceName.Article,
        IdOf = d => d.Id,
        DerivesIdFrom = "title",
        NameOf = d => d.Title,
        WithId = (d, id) => d with { Id = id },
        TextBlocks = ["body"],
        LoadAsync = LoadAsync,
        RepresentAsync = async (connection, id, cancellationToken) => await ArticleQueries.FindAsync(connection, id, cancellationToken),
        Rules = async (context, d, errors) =>
        {
            d = d with { Body = d.Body is null ? null! : ArticleText.NormalizeBodyFile(d.Body), Credits = d.Credits ?? [], CaptureNotes = d.CaptureNotes ?? [] };
            errors.Required("title", d.Title, Bounds.ArticleTitle);
            errors.Url("url", d.Url);
            errors.OneOf("genre", d.Genre, Vocabulary.Genres.Values);
            if (d.Language is null || d.Language.Length > Bounds.Language || !CorpusImport.LanguagePattern().IsMatch(d.Language))
                errors.Add("language", $"must be a BCP 47 language tag such as en or pt-BR; got {(d.Language is null ? "null" : $"'{d.Language}'")}.");
            await errors.ReferenceAsync(context, "outlet", d.Outlet, OutletWrites.Model);
            if (d.Published is { } published) Dated("published", published);
            if (d.RepublishedFrom is { } republished)
            {
                await errors.ReferenceAsync(context, "republishedFrom.outlet", republished.Outlet, OutletWrites.Model);
                errors.Url("republishedFrom.url", republished.Url);
                errors.MaxLength("republishedFrom.note", republished.Note, Bounds.RepublishedNote);
                if (republished.Published is { } original) Dated("republishedFrom.published", original);
            }

            void Dated(string field, PublishedEntry date)
            {
                errors.OneOf($"{field}.precision", date.Precision, Vocabulary.Precisions.Values);
                if (!PublishedDate.IsValid(date.Date, date.Precision))
                    errors.Add($"{field}.date", $"'{date.Date}' is not a valid date at precision '{date.Precision}' (day: 2025-07-04, month: 2025-07, year: 2025).");
                errors.MaxLength($"{field}.reasoning", date.Reasoning, Bounds.DateReasoning);
            }
            if (d.Provenance is { } provenance)
            {
                errors.Required("provenance.seedFile", provenance.SeedFile, Bounds.SeedFile);
                if (provenance.Sha256 is null || !Sha256Pattern().IsMatch(provenance.Sha256))
                    errors.Add("provenance.sha256", "must be the source file's SHA-256, as 64 lowercase hexadecimal digits.");
            }
            if (string.IsNullOrWhiteSpace(d.Body)) errors.Add("body", "is required: the piece's own text.");
            else errors.MaxLength("body", d.Body, Bounds.Body);

            if (d.Credits.Count > Bounds.Credits) errors.Add("credits", $"has {d.Credits.Count} credits; an article may have at most {Bounds.Credits}.");
            if (d.CaptureNotes.Count > Bounds.CaptureNotes) errors.Add("captureNotes", $"has {d.CaptureNotes.Count} notes; a body may have at most {Bounds.CaptureNotes}.");
            for (var c = 0; c < d.Credits.Count; c++)
            {
                if (d.Credits[c] is not { } credit) { errors.Add($"credits[{c}]", "must be an object with an author and a role."); continue; }
                if (credit.Author is null) errors.Add($"credits[{c}].author", "is required.");
                await errors.ReferenceAsync(context, $"credits[{c}].author", credit.Author, AuthorWrites.Model);
                // 'quoted' is kept where an article already has it, and refused on a new credit.
                if (credit.Role == CreditRole.Quoted && credit.Author is not null && d.Id is not null && await context.Connection.ExecuteScalarAsync<long>(
                        "SELECT count(*) FROM credits WHERE article_id = @id AND author_id = @author AND role = 'quoted'", new { id = d.Id, author = credit.Author }) > 0)
                    continue;
                if (credit.Role == CreditRole.Quoted)
                    errors.Add($"credits[{c}].role", "'quoted' is deprecated: credits say who made the piece; say who is quoted with a stance whose attribution is quoted or reported.");
                else errors.OneOf($"credits[{c}].role", credit.Role, Vocabulary.CreditRoles.Values);
            }
            for (var n = 0; n < d.CaptureNotes.Count; n++)
            {
                var at = $"captureNotes[{n}]";
                if (d.CaptureNotes[n] is not { } note) { errors.Add(at, "must be an object with a kind, start, end, text and note."); continue; }
                errors.OneOf($"{at}.kind", note.Kind, Vocabulary.CaptureNoteKinds.Values);
                errors.Required($"{at}.note", note.Note, Bounds.CaptureNote);
                if (errors.Required($"{at}.text", note.Text, Bounds.CaptureText) && d.Body is not null &&
                    (note.Start is null || note.End is null || ArticleText.Slice(d.Body, note.Start.Value, note.End.Value) != note.Text))
                    errors.Add($"{at}.text", $"is not the text of the body at code points {note.Start}–{note.End}.");
            }
            if (d.Credits.Where(c => c is not null).GroupBy(c => (c.Author, c.Role)).Any(g => g.Count() > 1))
                errors.Add("credits", "credits the same author in the same role twice.");

            // A new body must keep every recorded quote at its offsets: the archive's quotes are
            // always the article's own words. Stances written together with the body are checked
            // against it by their own rules.
            if (d.Id is not null && d.Body is not null && CorpusImport.IsSlug(d.Id))
            {
                foreach (var (stance, quote, start, end) in await context.Connection.QueryAsync<(string, string, long, long)>(
                             "SELECT id, quote, quote_start, quote_end FROM stances WHERE article_id = @id ORDER BY id", new { id = d.Id }))
                {
                    if (!context.Brings(StanceWrites.Model, stance) && ArticleText.Slice(d.Body, (int)start, (int)end) != quote)
                        errors.Add("body", $"would move or remove the words stance '{stance}' quotes at code points {start}–{end} (\"{(quote.Length > 60 ? quote[..60] + "…" : quote)}\"); update or delete that stance first.");
                }
            }
            return d;
        },
        InsertAsync = async (connection, d) =>
        {
            await connection.ExecuteAsync("""
                INSERT INTO articles (id, title, genre, language, outlet_id, url, published_date, published_precision, published_inferred,
                                      published_reasoning, republished_from_outlet_id, republished_from_url, republished_note,
                                      republished_from_date, republished_from_precision, republished_from_inferred, republished_from_reasoning,
                                      source_file, source_sha256, capture_notes, excerpt, body)
                VALUES (@Id, @Title, @Genre, @Language, @Outlet, @Url, @PublishedDate, @PublishedPrecision, @PublishedInferred,
                        @PublishedReasoning, @RepublishedOutlet, @RepublishedUrl, @RepublishedNote,
                        @OriginalDate, @OriginalPrecision, @OriginalInferred, @OriginalReasoning,
                        @SourceFile, @SourceSha256, @CaptureNotes, @Excerpt, @Body)
                """, Columns(d));
            await InsertCreditsAsync(connection, d);
        },
        UpdateAsync = async (connection, d) =>
        {
            await connection.ExecuteAsync("""
                UPDATE articles SET title = @Title, genre = @Genre, language = @Language, outlet_id = @Outlet, url = @Url,
                    published_date = @PublishedDate, published_precision = @PublishedPrecision, published_inferred = @PublishedInferred,
                    published_reasoning = @PublishedReasoning, republished_from_outlet_id = @RepublishedOutlet,
                    republished_from_url = @RepublishedUrl, republished_note = @RepublishedNote,
                    republished_from_date = @OriginalDate, republished_from_precision = @OriginalPrecision,
                    republished_from_inferred = @OriginalInferred, republished_from_reasoning = @OriginalReasoning,
                    source_file = @SourceFile, source_sha256 = @SourceSha256, capture_notes = @CaptureNotes, excerpt = @Excerpt, body = @Body
                WHERE id = @Id
                """, Columns(d));
            if (!(await CreditsAsync(connection, d.Id)).SequenceEqual(d.Credits))
            {
                await connection.ExecuteAsync("DELETE FROM credits WHERE article_id = @Id", new { d.Id });
                await InsertCreditsAsync(connection, d);
            }
        },
        DeleteBlockerAsync = async (connection, id) =>
        {
            var stances = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM stances WHERE article_id = @id", new { id });
            return stances == 0 ? null : $"{stances} stance(s) quote the article '{id}'.";
        },
        CascadeAsync = async (connection, id) =>
        {
            var ids = (await connection.QueryAsync<string>("SELECT id FROM stances WHERE article_id = @id ORDER BY id", new { id })).ToList();
            var deleted = new List<(string, string, object)>();
            foreach (var stanceId in ids) deleted.Add(("stances", stanceId, (await StanceWrites.LoadAsync(connection, stanceId))!));
            await connection.ExecuteAsync("DELETE FROM stances WHERE article_id = @id", new { id });
            return deleted;
        },
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM articles WHERE id = @id", new { id }),
    };

    /// <summary>The article's columns, as SQL parameters.</summary>
    private static object Columns(ArticleEntry d) => new
    {
        d.Id, d.Title, d.Genre, d.Language, d.Outlet, d.Url,
        PublishedDate = d.Published?.Date,
        PublishedPrecision = d.Published?.Precision,
        PublishedInferred = d.Published is null ? (long?)null : d.Published.Inferred ? 1L : 0L,
        PublishedReasoning = d.Published?.Reasoning,
        RepublishedOutlet = d.RepublishedFrom?.Outlet,
        RepublishedUrl = d.RepublishedFrom?.Url,
        RepublishedNote = d.RepublishedFrom?.Note,
        OriginalDate = d.RepublishedFrom?.Published?.Date,
        OriginalPrecision = d.RepublishedFrom?.Published?.Precision,
        OriginalInferred = d.RepublishedFrom?.Published is { } original ? original.Inferred ? 1L : 0L : (long?)null,
        OriginalReasoning = d.RepublishedFrom?.Published?.Reasoning,
        SourceFile = d.Provenance?.SeedFile,
        SourceSha256 = d.Provenance?.Sha256,
        CaptureNotes = System.Text.Json.JsonSerializer.Serialize(d.CaptureNotes ?? [], Curation.History.Json),
        Excerpt = ArticleText.Excerpt(d.Body),
        d.Body,
    };

    private static Task InsertCreditsAsync(SqliteConnection connection, ArticleEntry d) =>
        connection.ExecuteAsync(
            "INSERT INTO credits (article_id, author_id, role, ordinal) VALUES (@ArticleId, @Author, @Role, @Ordinal)",
            d.Credits.Select((c, i) => new { ArticleId = d.Id, c.Author, c.Role, Ordinal = i + 1 }));

    [GeneratedRegex(Bounds.Sha256Pattern)]
    private static partial Regex Sha256Pattern();
}
