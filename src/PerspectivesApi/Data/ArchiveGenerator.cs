using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Data;

/// <summary>What to generate: N articles and everything around them, deterministically from a seed.</summary>
public sealed record GeneratorOptions(int Articles = 1_000_000, int Seed = 1)
{
    public int Outlets => Math.Clamp(Articles / 2_500, 5, 400);
    public int Authors => Math.Clamp(Articles / 250, 20, 5_000);
    public int Topics => Math.Clamp(Articles / 3_000, 6, 300);

    /// <summary>Every outlet's editorial voice, and one for unsigned pieces of unknown outlets, beside the other authors.</summary>
    public int EditorialVoices => Outlets + 1;
}

/// <summary>Builds a synthetic archive for benchmarks: realistic bodies (a few hundred words drawn
/// with the seed corpus's own word frequencies, so full-text search behaves as on real text), about
/// three stances per article quoting its own sentences, thousands of authors, hundreds of outlets and
/// topics, eleven years of dates at mixed precision, several languages. Two marker words are planted at
/// known rates for search benchmarks: <see cref="CommonTerm"/> in 10% of articles, <see cref="RareTerm"/>
/// in 0.01%. The fast path: one transaction, prepared statements, triggers set aside while rows go in
/// and the full-text indexes rebuilt once at the end.</summary>
public static partial class ArchiveGenerator
{
    public const string CommonTerm = "pipeline";
    public const string RareTerm = "zugzwang";

    private static readonly (string Code, int Weight)[] Languages = [("en", 60), ("ru", 15), ("az", 8), ("ka", 5), ("uk", 5), ("tr", 4), ("de", 3)];
    /// <summary>Who the generated stances are recorded as read by.</summary>
    public const string Curator = "archive-generator";

    public static async Task<TimeSpan> GenerateAsync(Database database, GeneratorOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        if (database.Provider == DatabaseProvider.PostgreSQL) return await GenerateIntoPostgresAsync(database, options, log, clock, cancellationToken);
        await new Migrator(database).MigrateAsync(cancellationToken);
        await using var connection = await database.OpenSqliteAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>("SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM outlets)") > 0)
            throw new InvalidOperationException($"{database.FilePath} already holds an archive; generate into a new file (set PERSPECTIVES_DB).");

        var random = new Random(options.Seed);
        var vocabulary = SeedWords.FromSeedCorpus();
        await connection.ExecuteAsync("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;");
        await using var transaction = connection.BeginTransaction();

        // The triggers keep FTS and the revision counter in step row by row; for a bulk load it is far
        // faster to set them aside and rebuild once. Their SQL is read back so they return unchanged.
        var triggers = (await connection.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'", transaction: transaction)).ToList();
        foreach (var (name, _) in triggers) await connection.ExecuteAsync($"DROP TRIGGER \"{name}\"", transaction: transaction);

        var outletIds = Enumerable.Range(0, options.Outlets).Select(i => $"outlet-{i:0000}").ToArray();
        var authorIds = Enumerable.Range(0, options.Authors).Select(i => $"author-{i:00000}").ToArray();
        var topicIds = Enumerable.Range(0, options.Topics).Select(i => $"topic-{i:000}").ToArray();
        // Every outlet's editorial voice, and one for unsigned pieces whose outlet is unknown.
        var editorialIds = outletIds.ToDictionary(id => id, id => $"editorial-{id}");
        const string UnknownOutletEditorial = "editorial-unknown-outlet";
        var kinds = Vocabulary.OutletKinds.Values;
        await connection.ExecuteAsync("INSERT INTO outlets (id, name, kind, country, url) VALUES (@id, @name, @kind, @country, @url)",
            outletIds.Select((id, i) => new { id, name = vocabulary.Title(random, 2) + " " + (i % 3 == 0 ? "Times" : i % 3 == 1 ? "News" : "Review"),
                kind = kinds[random.Next(kinds.Length)], country = random.Next(10) == 0 ? null : ((char)('A' + random.Next(26))).ToString() + (char)('A' + random.Next(26)),
                url = $"https://{id}.example" }), transaction);
        // Mostly persons, some institutions and groups.
        await connection.ExecuteAsync("INSERT INTO authors (id, name, affiliation, kind) VALUES (@id, @name, @affiliation, @kind)",
            authorIds.Select(id => new { id, name = vocabulary.Title(random, 2), affiliation = random.Next(3) == 0 ? null : vocabulary.Title(random, 3),
                kind = random.Next(20) switch { 0 => VoiceKind.Institution, 1 => VoiceKind.Group, _ => VoiceKind.Person } }), transaction);
        await connection.ExecuteAsync("INSERT INTO authors (id, name, kind, outlet_id) VALUES (@id, @name, 'editorial', @outlet)",
            editorialIds.Select(e => new { id = e.Value, name = $"Editorial voice of {e.Key}", outlet = (string?)e.Key })
                .Append(new { id = UnknownOutletEditorial, name = "Editorial voice of an unnamed outlet", outlet = (string?)null }), transaction);
        await connection.ExecuteAsync("INSERT INTO topics (id, title, proposition, description, time_dependent) VALUES (@id, @title, @proposition, NULL, @timeDependent)",
            topicIds.Select(id => new { id, title = "Is " + vocabulary.Sentence(random, 6).TrimEnd('.') + "?", proposition = vocabulary.Sentence(random, 12), timeDependent = random.Next(2) }), transaction);
        await log.WriteLineAsync($"outlets {outletIds.Length}, authors {authorIds.Length + editorialIds.Count + 1}, topics {topicIds.Length} ({clock.Elapsed.TotalSeconds:F1} s)");

        using var insertArticle = Prepare(connection, transaction, """
            INSERT INTO articles (id, title, genre, language, outlet_id, published_date, published_precision, published_inferred, published_reasoning, excerpt, body)
            VALUES ($id, $title, $genre, $language, $outlet, $date, $precision, $inferred, $reasoning, $excerpt, $body)
            """);
        // The triggers that keep an article's stance count are set aside with the others: it is written once its stances are in.
        using var countStances = Prepare(connection, transaction, "UPDATE articles SET stance_count = $count WHERE id = $id");
        using var insertCredit = Prepare(connection, transaction, "INSERT OR IGNORE INTO credits (article_id, author_id, role, ordinal) VALUES ($article, $author, $role, $ordinal)");
        using var insertStance = Prepare(connection, transaction, """
            INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary, condition,
                                 attribution_kind, attribution_via, held_date, held_precision, held_reasoning, method, curator, confidence, note)
            VALUES ($id, $topic, $article, $author, $position, $quote, $start, $end, $summary, $condition,
                    $attribution, $via, $helddate, $heldprecision, $heldreasoning, $method, $curator, $confidence, $note)
            """);

        var first = new DateOnly(2015, 1, 1);
        var days = new DateOnly(2025, 12, 31).DayNumber - first.DayNumber + 1;
        var positions = Vocabulary.Positions.Values;
        var genres = Vocabulary.Genres.Values;
        long stances = 0;
        for (var i = 0; i < options.Articles; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = $"article-{i:0000000}";
            var genre = genres[random.Next(genres.Length)];
            var (body, sentences) = vocabulary.Body(random, plant: (i % 10 == 3 ? CommonTerm : null, i % 10_000 == 7 ? RareTerm : null));
            var date = first.AddDays(random.Next(days));
            var precisionRoll = random.Next(100);
            var (published, precision) = precisionRoll switch
            {
                < 85 => (date.ToString("yyyy-MM-dd"), "day"),
                < 95 => (date.ToString("yyyy-MM"), "month"),
                < 98 => (date.ToString("yyyy"), "year"),
                _ => ((string?)null, (string?)null),
            };
            var outlet = random.Next(20) == 0 ? null : outletIds[random.Next(outletIds.Length)];
            Bind(insertArticle, ("$id", id), ("$title", vocabulary.Title(random, 4 + random.Next(6))), ("$genre", genre),
                ("$language", Pick(random, Languages)), ("$outlet", outlet),
                ("$date", published), ("$precision", precision), ("$inferred", published is null ? null : random.Next(10) == 0 ? 1L : 0L),
                ("$reasoning", published is null ? null : "Generated."), ("$excerpt", ArticleText.Excerpt(body)), ("$body", body));
            await insertArticle.ExecuteNonQueryAsync(cancellationToken);

            // An editorial is made by its outlet's editorial voice; everything else by a writer (or an
            // interviewer, with the interviewee credited too). Other voices in a piece are quoted or reported.
            var editorial = genre == Genre.Editorial;
            var writer = editorial ? outlet is null ? UnknownOutletEditorial : editorialIds[outlet] : authorIds[random.Next(authorIds.Length)];
            Bind(insertCredit, ("$article", id), ("$author", writer), ("$role", genre == Genre.Interview ? CreditRole.Interviewer : CreditRole.Author), ("$ordinal", 1L));
            await insertCredit.ExecuteNonQueryAsync(cancellationToken);
            var voice = authorIds[random.Next(authorIds.Length)];
            var interviewee = genre == Genre.Interview && voice != writer;
            if (interviewee)
            {
                Bind(insertCredit, ("$article", id), ("$author", voice), ("$role", CreditRole.Interviewee), ("$ordinal", 2L));
                await insertCredit.ExecuteNonQueryAsync(cancellationToken);
            }

            var count = 2 + random.Next(3); // 2–4, about three per article
            for (var s = 0; s < count; s++)
            {
                var (start, length) = sentences[random.Next(sentences.Count)];
                var author = s == 0 || voice == writer ? writer : voice;
                var (attribution, via) = author == writer ? (editorial ? AttributionKind.Editorial : AttributionKind.OwnWords, (string?)null)
                    : interviewee ? (AttributionKind.OwnWords, (string?)null)
                    : (random.Next(3) == 0 ? AttributionKind.Reported : AttributionKind.Quoted, writer);
                // A reported position is sometimes older than the piece, and then known only to the year.
                var older = attribution == AttributionKind.Reported && published is not null && random.Next(10) == 0;
                var confidence = random.Next(10) switch { < 6 => Confidence.High, < 9 => Confidence.Medium, _ => Confidence.Low };
                Bind(insertStance, ("$id", $"{id}-s{s}"), ("$topic", topicIds[random.Next(topicIds.Length)]), ("$article", id),
                    ("$author", author), ("$position", positions[random.Next(positions.Length)]),
                    ("$quote", body.Substring(start, length)), ("$start", (long)start), ("$end", (long)(start + length)), ("$summary", "A generated stance."),
                    ("$condition", random.Next(20) == 0 ? "A generated condition." : null), ("$attribution", attribution), ("$via", via),
                    ("$helddate", older ? (date.Year - 1).ToString("0000") : published), ("$heldprecision", older ? Precision.Year : precision),
                    ("$heldreasoning", older ? "Generated: reported as held the year before." : null),
                    ("$method", ReadingMethod.Imported), ("$curator", Curator), ("$confidence", confidence),
                    ("$note", confidence == Confidence.High ? null : "Generated."));
                await insertStance.ExecuteNonQueryAsync(cancellationToken);
                stances++;
            }
            Bind(countStances, ("$count", (long)count), ("$id", id));
            await countStances.ExecuteNonQueryAsync(cancellationToken);
            if ((i + 1) % 100_000 == 0) await log.WriteLineAsync($"articles {i + 1:N0}, stances {stances:N0} ({clock.Elapsed.TotalSeconds:F1} s)");
        }

        await log.WriteLineAsync($"rebuilding the full-text indexes ({clock.Elapsed.TotalSeconds:F1} s)");
        await connection.ExecuteAsync(FullTextIndexes.Rebuild, transaction: transaction);
        await log.WriteLineAsync($"counting the topic tallies ({clock.Elapsed.TotalSeconds:F1} s)");
        await connection.ExecuteAsync(TopicTallies.Rebuild, transaction: transaction);
        foreach (var (_, sql) in triggers) await connection.ExecuteAsync(sql, transaction: transaction);
        await connection.ExecuteAsync("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'", transaction: transaction);
        await connection.ExecuteAsync("INSERT OR REPLACE INTO meta (key, value) VALUES ('corpus_seeded_at', @note)", new { note = $"generated: {options}" }, transaction);
        await transaction.CommitAsync(cancellationToken);
        await log.WriteLineAsync($"analysing ({clock.Elapsed.TotalSeconds:F1} s)");
        await connection.ExecuteAsync("PRAGMA optimize; ANALYZE;");
        await log.WriteLineAsync($"done: {options.Articles:N0} articles, {stances:N0} stances in {clock.Elapsed.TotalSeconds:F1} s");
        return clock.Elapsed;
    }

    /// <summary>On PostgreSQL: the same archive (the same seed gives the same rows), generated into a scratch SQLite
    /// file and moved with <see cref="ArchiveCopy"/>, whose inserts the server's own triggers index and count. The
    /// target keeps its own cursor secret.</summary>
    private static async Task<TimeSpan> GenerateIntoPostgresAsync(Database database, GeneratorOptions options, TextWriter log, Stopwatch clock, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"perspectives-generate-{Guid.NewGuid():N}.db");
        try
        {
            var file = new Database(scratch, pooling: false);
            await GenerateAsync(file, options, log, cancellationToken);
            await using (var connection = await file.OpenSqliteAsync(cancellationToken))
                await connection.ExecuteAsync("DELETE FROM meta WHERE key = 'cursor_secret'");
            await log.WriteLineAsync($"copying into PostgreSQL ({clock.Elapsed.TotalSeconds:F1} s)");
            await ArchiveCopy.CopyAsync(file, database, log, cancellationToken);
            await using (var connection = await database.OpenAsync(cancellationToken))
                await connection.ExecuteAsync(new CommandDefinition("ANALYZE", commandType: System.Data.CommandType.Text, cancellationToken: cancellationToken));
            await log.WriteLineAsync($"done in {clock.Elapsed.TotalSeconds:F1} s");
            return clock.Elapsed;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var path in new[] { scratch, scratch + "-wal", scratch + "-shm" }) File.Delete(path);
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (Match parameter in ParameterName().Matches(sql)) if (!command.Parameters.Contains(parameter.Value)) command.Parameters.Add(new SqliteParameter(parameter.Value, null));
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values) command.Parameters[name].Value = value ?? DBNull.Value;
    }

    private static string Pick(Random random, (string Code, int Weight)[] weighted)
    {
        var roll = random.Next(weighted.Sum(w => w.Weight));
        foreach (var (code, weight) in weighted) { if (roll < weight) return code; roll -= weight; }
        return weighted[0].Code;
    }

    [GeneratedRegex(@"\$[a-z]+")]
    private static partial Regex ParameterName();

    /// <summary>Words with the frequencies they have in the seed corpus.</summary>
    private sealed partial class SeedWords(string[] words, double[] cumulative)
    {
        public static SeedWords FromSeedCorpus()
        {
            var counts = new Dictionary<string, int>();
            foreach (var article in SeedCorpus.LoadManifest().Articles)
            foreach (Match word in Word().Matches(SeedCorpus.ReadBody(article.Body)))
            {
                var w = word.Value.ToLowerInvariant();
                // The markers are planted at known rates; stray letters ("that’s" → "s") are not words.
                if (w is CommonTerm or RareTerm || (w.Length == 1 && w is not ("a" or "i"))) continue;
                counts[w] = counts.GetValueOrDefault(w) + 1;
            }
            var ordered = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToArray();
            var cumulative = new double[ordered.Length];
            double total = 0;
            for (var i = 0; i < ordered.Length; i++) cumulative[i] = total += ordered[i].Value;
            return new SeedWords(ordered.Select(o => o.Key).ToArray(), cumulative);
        }

        public string Next(Random random)
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
            return words[index < 0 ? ~index : index];
        }

        public string Title(Random random, int length) =>
            string.Join(' ', Enumerable.Range(0, length).Select(_ => Capitalize(Next(random))));

        public string Sentence(Random random, int length)
        {
            var sentence = new StringBuilder(Capitalize(Next(random)));
            for (var i = 1; i < length; i++) sentence.Append(' ').Append(Next(random));
            return sentence.Append('.').ToString();
        }

        /// <summary>A body of 5–8 paragraphs and 200–500 words, and where each sentence stands
        /// (UTF-16 offsets, equal to code points: the vocabulary is ASCII).</summary>
        public (string Body, List<(int Start, int Length)> Sentences) Body(Random random, (string? Common, string? Rare) plant)
        {
            var body = new StringBuilder();
            var sentences = new List<(int, int)>();
            var words = 200 + random.Next(301);
            var paragraphs = 5 + random.Next(4);
            var planted = new Queue<string>(new[] { plant.Common, plant.Rare }.Where(p => p is not null)!);
            for (var p = 0; p < paragraphs; p++)
            {
                if (p > 0) body.Append("\n\n");
                var left = words / paragraphs;
                while (left > 0)
                {
                    var length = Math.Min(left, 8 + random.Next(14));
                    var sentence = Sentence(random, length);
                    if (planted.Count > 0 && random.Next(3) == 0) sentence = sentence.TrimEnd('.') + " " + planted.Dequeue() + ".";
                    if (body.Length > 0 && body[^1] != '\n') body.Append(' ');
                    sentences.Add((body.Length, sentence.Length));
                    body.Append(sentence);
                    left -= length;
                }
            }
            while (planted.Count > 0) body.Append(' ').Append(Capitalize(planted.Dequeue())).Append(" matters.");
            return (body.ToString(), sentences);
        }

        private static string Capitalize(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

        [GeneratedRegex("[A-Za-z]+")]
        private static partial Regex Word();
    }
}
