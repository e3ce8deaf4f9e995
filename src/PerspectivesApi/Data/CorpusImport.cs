using System.Data;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Data;

/// <summary>A manifest that cannot be applied, with every problem found, keyed by the field's path.</summary>
public sealed class CorpusValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception($"The corpus has {errors.Count} invalid field(s): " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>What an import did, per kind of record.</summary>
public sealed record ImportReport(ImportCounts Outlets, ImportCounts Authors, ImportCounts Topics, ImportCounts Articles, ImportCounts Stances)
{
    public bool ChangedAnything => new[] { Outlets, Authors, Topics, Articles, Stances }.Any(c => c.Created + c.Updated > 0);
}

public sealed record ImportCounts(int Created, int Updated, int Unchanged);

/// <summary>Applies a corpus manifest to the archive in one transaction: every record is validated
/// first, then created or updated; a record equal to what is stored is left alone, so applying the
/// same manifest twice changes nothing.</summary>
public static partial class CorpusImport
{
    public static readonly string[] Genres = ["interview", "analysis", "opinion", "news", "column", "editorial"];
    public static readonly string[] Roles = ["author", "interviewer", "interviewee", "translator", "quoted"];
    public static readonly string[] Positions = ["supports", "opposes", "mixed", "neutral"];
    public static readonly string[] OutletKinds = ["newspaper", "magazine", "broadcaster", "news-site", "news-agency", "blog"];
    public static readonly string[] Precisions = ["day", "month", "year"];

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    public static partial Regex SlugPattern();

    public static bool IsSlug(string? value) => value is { Length: > 0 and <= 80 } && SlugPattern().IsMatch(value);

    public static async Task<ImportReport> ApplyAsync(
        SqliteConnection connection, CorpusManifest manifest, Func<string, string> readBody, CancellationToken cancellationToken = default)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var (report, _) = await ApplyInTransactionAsync(connection, transaction, manifest, readBody);
        await transaction.CommitAsync(cancellationToken);
        return report;
    }

    /// <summary>Validates and applies <paramref name="manifest"/> inside a transaction the caller
    /// owns (<paramref name="transaction"/> is null when it is a SQL-level one, as in the write API).
    /// Stances without offsets get those of the quote's one occurrence.</summary>
    public static async Task<(ImportReport Report, CorpusManifest Applied)> ApplyInTransactionAsync(
        SqliteConnection connection, SqliteTransaction? transaction, CorpusManifest manifest, Func<string, string> readBody)
    {
        var bodies = Bodies(manifest, readBody);
        manifest = await ValidateAsync(connection, transaction, manifest, bodies);
        return (await UpsertAsync(connection, transaction, manifest, bodies), manifest);
    }

    /// <summary>Each article's body text, by article id. Read before validation, so a repeated (or missing)
    /// id keeps its first body here and is left for the validation to report as a 422.</summary>
    public static IReadOnlyDictionary<string, string> Bodies(CorpusManifest manifest, Func<string, string> readBody) =>
        manifest.Articles.GroupBy(a => a.Id ?? "").ToDictionary(g => g.Key, g => readBody(g.First().Body ?? ""));

    /// <summary>Creates or updates every record of a validated manifest.</summary>
    public static async Task<ImportReport> UpsertAsync(
        SqliteConnection connection, SqliteTransaction? transaction, CorpusManifest manifest, IReadOnlyDictionary<string, string> bodies)
    {

        var report = new ImportReport(
            await UpsertAllAsync(connection, transaction, manifest.Outlets, o => o.Id, OutletSql),
            await UpsertAllAsync(connection, transaction, manifest.Authors, a => a.Id, AuthorSql),
            await UpsertAllAsync(connection, transaction, manifest.Topics, t => t.Id, TopicSql),
            await UpsertArticlesAsync(connection, transaction, manifest.Articles, bodies),
            await UpsertAllAsync(connection, transaction, manifest.Stances, s => s.Id, StanceSql));
        return report;
    }

    private sealed record UpsertSql(string Table, string Insert, string UpdateIfChanged);

    private static readonly UpsertSql OutletSql = new("outlets",
        "INSERT INTO outlets (id, name, kind, country, url, description) VALUES (@Id, @Name, @Kind, @Country, @Url, @Description)",
        """
        UPDATE outlets SET name = @Name, kind = @Kind, country = @Country, url = @Url, description = @Description
        WHERE id = @Id AND NOT (name IS @Name AND kind IS @Kind AND country IS @Country AND url IS @Url AND description IS @Description)
        """);

    private static readonly UpsertSql AuthorSql = new("authors",
        "INSERT INTO authors (id, name, affiliation) VALUES (@Id, @Name, @Affiliation)",
        "UPDATE authors SET name = @Name, affiliation = @Affiliation WHERE id = @Id AND NOT (name IS @Name AND affiliation IS @Affiliation)");

    private static readonly UpsertSql TopicSql = new("topics",
        "INSERT INTO topics (id, title, proposition, description) VALUES (@Id, @Title, @Proposition, @Description)",
        """
        UPDATE topics SET title = @Title, proposition = @Proposition, description = @Description
        WHERE id = @Id AND NOT (title IS @Title AND proposition IS @Proposition AND description IS @Description)
        """);

    private static readonly UpsertSql StanceSql = new("stances",
        """
        INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary)
        VALUES (@Id, @Topic, @Article, @Author, @Position, @Quote, @Start, @End, @Summary)
        """,
        """
        UPDATE stances SET topic_id = @Topic, article_id = @Article, author_id = @Author, position = @Position,
                           quote = @Quote, quote_start = @Start, quote_end = @End, summary = @Summary
        WHERE id = @Id AND NOT (topic_id IS @Topic AND article_id IS @Article AND author_id IS @Author AND position IS @Position
                                AND quote IS @Quote AND quote_start IS @Start AND quote_end IS @End AND summary IS @Summary)
        """);

    private const string ArticleInsert = """
        INSERT INTO articles (id, title, genre, language, outlet_id, url, published_date, published_precision, published_inferred,
                              published_reasoning, republished_from_outlet_id, republished_from_url, republished_note,
                              source_file, source_sha256, excerpt, body)
        VALUES (@Id, @Title, @Genre, @Language, @Outlet, @Url, @PublishedDate, @PublishedPrecision, @PublishedInferred,
                @PublishedReasoning, @RepublishedOutlet, @RepublishedUrl, @RepublishedNote, @SourceFile, @SourceSha256, @Excerpt, @Body)
        """;

    private const string ArticleUpdateIfChanged = """
        UPDATE articles SET title = @Title, genre = @Genre, language = @Language, outlet_id = @Outlet, url = @Url,
            published_date = @PublishedDate, published_precision = @PublishedPrecision, published_inferred = @PublishedInferred,
            published_reasoning = @PublishedReasoning, republished_from_outlet_id = @RepublishedOutlet,
            republished_from_url = @RepublishedUrl, republished_note = @RepublishedNote, source_file = @SourceFile,
            source_sha256 = @SourceSha256, excerpt = @Excerpt, body = @Body
        WHERE id = @Id AND NOT (title IS @Title AND genre IS @Genre AND language IS @Language AND outlet_id IS @Outlet AND url IS @Url
            AND published_date IS @PublishedDate AND published_precision IS @PublishedPrecision AND published_inferred IS @PublishedInferred
            AND published_reasoning IS @PublishedReasoning AND republished_from_outlet_id IS @RepublishedOutlet
            AND republished_from_url IS @RepublishedUrl AND republished_note IS @RepublishedNote AND source_file IS @SourceFile
            AND source_sha256 IS @SourceSha256 AND excerpt IS @Excerpt AND body IS @Body)
        """;

    private static async Task<ImportCounts> UpsertAllAsync<T>(SqliteConnection connection, SqliteTransaction? transaction, IEnumerable<T> entries, Func<T, string> idOf, UpsertSql sql)
        where T : notnull
    {
        int created = 0, updated = 0, unchanged = 0;
        foreach (var entry in entries)
        {
            // The manifest records' property names are the SQL parameters' names.
            if (!await ExistsAsync(connection, transaction, sql.Table, idOf(entry)))
            {
                await connection.ExecuteAsync(sql.Insert, entry, transaction);
                created++;
            }
            else if (await connection.ExecuteAsync(sql.UpdateIfChanged, entry, transaction) == 1) updated++;
            else unchanged++;
        }
        return new ImportCounts(created, updated, unchanged);
    }

    private static async Task<ImportCounts> UpsertArticlesAsync(
        SqliteConnection connection, SqliteTransaction? transaction, IEnumerable<ArticleEntry> articles, IReadOnlyDictionary<string, string> bodies)
    {
        int created = 0, updated = 0, unchanged = 0;
        foreach (var article in articles)
        {
            var body = bodies[article.Id];
            var parameters = new
            {
                article.Id, article.Title, article.Genre, article.Language, article.Outlet, article.Url,
                PublishedDate = article.Published?.Date,
                PublishedPrecision = article.Published?.Precision,
                PublishedInferred = article.Published is null ? (long?)null : article.Published.Inferred ? 1L : 0L,
                PublishedReasoning = article.Published?.Reasoning,
                RepublishedOutlet = article.RepublishedFrom?.Outlet,
                RepublishedUrl = article.RepublishedFrom?.Url,
                RepublishedNote = article.RepublishedFrom?.Note,
                SourceFile = article.Provenance?.SeedFile,
                SourceSha256 = article.Provenance?.Sha256,
                Excerpt = ArticleText.Excerpt(body),
                Body = body,
            };
            bool changed;
            if (!await ExistsAsync(connection, transaction, "articles", article.Id))
            {
                await connection.ExecuteAsync(ArticleInsert, parameters, transaction);
                await InsertCreditsAsync(connection, transaction, article);
                created++;
                continue;
            }
            changed = await connection.ExecuteAsync(ArticleUpdateIfChanged, parameters, transaction) == 1;

            var stored = (await connection.QueryAsync<(string Author, string Role)>(
                "SELECT author_id, role FROM credits WHERE article_id = @Id ORDER BY ordinal", new { article.Id }, transaction)).ToList();
            if (!stored.SequenceEqual(article.Credits.Select(c => (c.Author, c.Role))))
            {
                await connection.ExecuteAsync("DELETE FROM credits WHERE article_id = @Id", new { article.Id }, transaction);
                await InsertCreditsAsync(connection, transaction, article);
                changed = true;
            }
            if (changed) updated++; else unchanged++;
        }
        return new ImportCounts(created, updated, unchanged);
    }

    private static Task InsertCreditsAsync(SqliteConnection connection, SqliteTransaction? transaction, ArticleEntry article) =>
        connection.ExecuteAsync(
            "INSERT INTO credits (article_id, author_id, role, ordinal) VALUES (@ArticleId, @Author, @Role, @Ordinal)",
            article.Credits.Select((c, i) => new { ArticleId = article.Id, c.Author, c.Role, Ordinal = i + 1 }),
            transaction);

    private static async Task<bool> ExistsAsync(SqliteConnection connection, IDbTransaction? transaction, string table, string id) =>
        // The table name comes from the fixed UpsertSql definitions above, never from input.
        await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE id = @id", new { id }, transaction) > 0;

    /// <returns>The manifest as it will be applied: stances given without offsets have them.</returns>
    public static async Task<CorpusManifest> ValidateAsync(
        SqliteConnection connection, SqliteTransaction? transaction, CorpusManifest manifest, IReadOnlyDictionary<string, string> bodies)
    {
        var errors = new Dictionary<string, List<string>>();
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        // The ids a manifest may refer to: its own, and those stored (looked up one by one, so a
        // write to a million-article archive does not read every id).
        async Task<IdSet> IdsAsync<T>(string table, string list, IReadOnlyList<T> entries, Func<T, string> id)
        {
            var ids = new IdSet(connection, transaction, table);
            var seen = new HashSet<string>();
            for (var i = 0; i < entries.Count; i++)
            {
                var value = id(entries[i]);
                if (!IsSlug(value)) Fail($"{list}[{i}].id", $"'{value}' is not a slug (lowercase letters, digits and single hyphens, at most 80 characters).");
                if (value is not null && !seen.Add(value)) Fail($"{list}[{i}].id", $"'{value}' appears more than once.");
                if (value is not null) ids.Add(value);
            }
            return ids;
        }

        void Require(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) Fail(field, "is required.");
        }
        void OneOf(string field, string? value, string[] allowed, bool optional = false)
        {
            if (value is null && optional) return;
            if (value is null || !allowed.Contains(value)) Fail(field, $"must be one of {string.Join(", ", allowed)}.");
        }
        async Task Refers(string field, string? value, IdSet ids, string what)
        {
            if (value is not null && !await ids.ContainsAsync(value)) Fail(field, $"refers to {what} '{value}', which is neither in the manifest nor in the archive.");
        }
        void Length(string field, string? value, int max)
        {
            if (value is not null && value.Length > max) Fail(field, $"must be at most {max} characters; it has {value.Length}.");
        }

        var outlets = await IdsAsync("outlets", "outlets", manifest.Outlets, o => o.Id);
        var authors = await IdsAsync("authors", "authors", manifest.Authors, a => a.Id);
        var topics = await IdsAsync("topics", "topics", manifest.Topics, t => t.Id);
        var articles = await IdsAsync("articles", "articles", manifest.Articles, a => a.Id);
        await IdsAsync("stances", "stances", manifest.Stances, s => s.Id);

        for (var i = 0; i < manifest.Outlets.Count; i++)
        {
            var o = manifest.Outlets[i];
            Require($"outlets[{i}].name", o.Name);
            Length($"outlets[{i}].name", o.Name, 200);
            OneOf($"outlets[{i}].kind", o.Kind, OutletKinds, optional: true);
            if (o.Country is not null && !CountryPattern().IsMatch(o.Country)) Fail($"outlets[{i}].country", "must be an ISO 3166-1 alpha-2 code such as GE.");
        }
        for (var i = 0; i < manifest.Authors.Count; i++) Require($"authors[{i}].name", manifest.Authors[i].Name);
        for (var i = 0; i < manifest.Topics.Count; i++)
        {
            Require($"topics[{i}].title", manifest.Topics[i].Title);
            Require($"topics[{i}].proposition", manifest.Topics[i].Proposition);
        }
        for (var i = 0; i < manifest.Articles.Count; i++)
        {
            var a = manifest.Articles[i];
            var at = $"articles[{i}]";
            Require($"{at}.title", a.Title);
            Length($"{at}.title", a.Title, 500);
            Length($"{at}.url", a.Url, 2048);
            OneOf($"{at}.genre", a.Genre, Genres);
            if (a.Language is null || !LanguagePattern().IsMatch(a.Language)) Fail($"{at}.language", "must be a BCP 47 language tag such as en or pt-BR.");
            await Refers($"{at}.outlet", a.Outlet, outlets, "outlet");
            await Refers($"{at}.republishedFrom.outlet", a.RepublishedFrom?.Outlet, outlets, "outlet");
            if (a.Published is { } p)
            {
                OneOf($"{at}.published.precision", p.Precision, Precisions);
                if (!PublishedDate.IsValid(p.Date, p.Precision)) Fail($"{at}.published.date", $"'{p.Date}' is not a valid date at precision '{p.Precision}' (day: 2025-07-04, month: 2025-07, year: 2025).");
            }
            if (string.IsNullOrWhiteSpace(bodies[a.Id ?? ""])) Fail($"{at}.body", "is required: the piece's own text.");
            Length($"{at}.body", bodies[a.Id ?? ""], 1_000_000);
            var credits = a.Credits ?? [];
            for (var c = 0; c < credits.Count; c++)
            {
                await Refers($"{at}.credits[{c}].author", credits[c].Author, authors, "author");
                OneOf($"{at}.credits[{c}].role", credits[c].Role, Roles);
            }
            if (credits.GroupBy(c => (c.Author, c.Role)).Any(g => g.Count() > 1)) Fail($"{at}.credits", "credits the same author in the same role twice.");
        }
        var stances = manifest.Stances.ToList();
        for (var i = 0; i < stances.Count; i++)
        {
            var s = stances[i];
            var at = $"stances[{i}]";
            Require($"{at}.topic", s.Topic);
            await Refers($"{at}.topic", s.Topic, topics, "topic");
            await Refers($"{at}.author", s.Author, authors, "author");
            OneOf($"{at}.position", s.Position, Positions);
            Require($"{at}.summary", s.Summary);
            Length($"{at}.summary", s.Summary, 1000);
            Require($"{at}.quote", s.Quote);
            Length($"{at}.quote", s.Quote, 5000);
            Require($"{at}.article", s.Article);
            if (s.Article is null || !await articles.ContainsAsync(s.Article)) { await Refers($"{at}.article", s.Article, articles, "article"); continue; }
            if (string.IsNullOrEmpty(s.Quote)) continue;
            var body = bodies.TryGetValue(s.Article, out var b)
                ? b
                : await connection.ExecuteScalarAsync<string>("SELECT body FROM articles WHERE id = @id", new { id = s.Article }, transaction);
            if (body is null) continue;
            if (s.Start is null && s.End is null)
            {
                // No offsets given: the quote's one occurrence fixes them.
                var occurrences = ArticleText.Occurrences(body, s.Quote).Take(2).ToList();
                if (occurrences.Count == 1) stances[i] = s with { Start = occurrences[0].Start, End = occurrences[0].End };
                else Fail($"{at}.quote", occurrences.Count == 0
                    ? $"does not occur in the body of article '{s.Article}': a quote must be the article's own words, character for character."
                    : $"occurs more than once in article '{s.Article}': give start and end (code points) to say which.");
            }
            else if (s.Start is null || s.End is null || ArticleText.Slice(body, s.Start.Value, s.End.Value) != s.Quote)
                Fail($"{at}.quote", $"is not the text of article '{s.Article}' at code points {s.Start}–{s.End}.");
        }

        if (errors.Count > 0) throw new CorpusValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        return manifest with { Stances = stances };
    }

    /// <summary>An ISO 3166-1 alpha-2 country code, in capitals.</summary>
    [GeneratedRegex("^[A-Z]{2}$")]
    public static partial Regex CountryPattern();

    /// <summary>Ids of one table that a manifest may refer to: its own, then the archive's, each
    /// looked up once.</summary>
    private sealed class IdSet(SqliteConnection connection, SqliteTransaction? transaction, string table)
    {
        private readonly Dictionary<string, bool> known = [];

        public void Add(string id) => known[id] = true;

        public async Task<bool> ContainsAsync(string id)
        {
            if (known.TryGetValue(id, out var exists)) return exists;
            // The table name comes from the fixed calls in ValidateAsync, never from input.
            return known[id] = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE id = @id", new { id }, transaction) > 0;
        }
    }

    /// <summary>A BCP 47 language tag such as en or pt-BR.</summary>
    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    public static partial Regex LanguagePattern();
}
