using System.Data.Common;
using System.ComponentModel;
using PerspectivesApi.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Http;

namespace PerspectivesApi.Topics;

/// <summary>How many stances take each position. All four are always present.</summary>
public sealed record PositionCounts(
    [property: Description("Stances that support the proposition.")] long Supports,
    [property: Description("Stances that oppose it.")] long Opposes,
    [property: Description("Stances that partly support and partly oppose it.")] long Mixed,
    [property: Description("Stances that address it without taking a side.")] long Neutral)
{
    [Description("All stances counted here.")]
    public long Total => Supports + Opposes + Mixed + Neutral;

    public static PositionCounts From(IEnumerable<(string Position, long Count)> counts)
    {
        var byPosition = counts.GroupBy(c => c.Position).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        return new PositionCounts(byPosition.GetValueOrDefault("supports"), byPosition.GetValueOrDefault("opposes"),
            byPosition.GetValueOrDefault("mixed"), byPosition.GetValueOrDefault("neutral"));
    }
}

/// <summary>Positions of the stances in one outlet's articles.</summary>
public sealed record OutletPositions(
    [property: Description("The outlet; null for articles whose outlet is unknown.")] OutletRef? Outlet,
    [property: Description("The positions of its stances.")] PositionCounts Positions);

/// <summary>Positions of one voice's stances.</summary>
public sealed record AuthorPositions(
    [property: Description("The voice; null for stances written before schema 7 that stood for an unsigned article's unnamed editorial voice.")] AuthorRef? Author,
    [property: Description("The positions of its stances.")] PositionCounts Positions);

/// <summary>Positions of the stances in articles published in one month.</summary>
public sealed record MonthPositions(
    [property: Description("yyyy-MM; null for articles whose date is unknown or known only to the year.")] string? Month,
    [property: Description("The positions of the stances in that month's articles.")] PositionCounts Positions);

/// <summary>Positions of the stances held in one year.</summary>
public sealed record HeldYearPositions(
    [property: Description("yyyy, the year the positions were held; null when unknown.")] string? Year,
    [property: Description("The positions held that year.")] PositionCounts Positions);

/// <summary>Positions of the stances held in one month.</summary>
public sealed record HeldMonthPositions(
    [property: Description("yyyy-MM, the month the positions were held; null when unknown or known only to the year.")] string? Month,
    [property: Description("The positions held that month.")] PositionCounts Positions);

/// <summary>Positions of the stances held by one kind of voice.</summary>
public sealed record VoiceKindPositions(
    [property: FromVocabulary("voice kind"), Description("person, institution, group or editorial; null for stances with no named voice (written before schema 7).")] string? VoiceKind,
    [property: Description("The positions of that kind of voice.")] PositionCounts Positions);

/// <summary>Positions of the stances whose words reach us one way.</summary>
public sealed record AttributionPositions(
    [property: FromVocabulary("attribution kind"), Description("own-words, quoted, reported or editorial; null when not recorded.")] string? Attribution,
    [property: Description("The positions of the stances attributed that way.")] PositionCounts Positions);

/// <summary>The groups beyond those listed, counted together.</summary>
public sealed record Remainder(
    [property: Description("How many more groups there are beyond those listed.")] long Count,
    [property: Description("The positions of their stances, together.")] PositionCounts Positions);

/// <summary>Where the perspectives on one question stand: positions overall, by outlet, by voice, by
/// month of publication, by the time the positions were held, by kind of voice and by attribution.</summary>
public sealed record TopicSummary(
    [property: Description("The topic's id (as in topic.id): every item of a collection has one.")] string Id,
    [property: Description("The topic.")] TopicRef Topic,
    [property: Description("The proposition stances take a position on.")] string Proposition,
    [property: Description("true when the proposition's truth can change with time: compare positions within one period of byHeldYear or byHeldMonth; positions from different periods differ in time, not in perspective. null: not stated.")] bool? TimeDependent,
    [property: Description("Positions of all the topic's stances.")] PositionCounts Positions,
    [property: Description("Positions by the outlet of the stance's article: the 50 outlets with most stances, most first (ties by id, the unknown outlet first).")] IReadOnlyList<OutletPositions> ByOutlet,
    [property: Description("The outlets beyond the 50 in byOutlet, counted together; null when byOutlet lists them all. Count every outlet with GET /v1/topics/{id}/stances?facet=outlet.")] Remainder? OtherOutlets,
    [property: Description("Positions by the voice holding the stance: the 50 voices with most stances, most first (ties by id, the editorial voice first).")] IReadOnlyList<AuthorPositions> ByAuthor,
    [property: Description("The voices beyond the 50 in byAuthor, counted together; null when byAuthor lists them all. Count every voice with GET /v1/topics/{id}/stances?facet=author.")] Remainder? OtherAuthors,
    [property: Description("Positions by the month the stance's article was published, oldest first; null (unknown or year-only dates) last.")] IReadOnlyList<MonthPositions> ByMonth,
    [property: Description("Positions by the year they were held, oldest first; null (unknown) last. The periods a time-dependent topic is compared within.")] IReadOnlyList<HeldYearPositions> ByHeldYear,
    [property: Description("Positions by the month they were held, oldest first; null (unknown or known only to the year) last.")] IReadOnlyList<HeldMonthPositions> ByHeldMonth,
    [property: Description("Positions by the kind of voice holding them (person, institution, group, editorial); null (no named voice) last.")] IReadOnlyList<VoiceKindPositions> ByVoiceKind,
    [property: Description("Positions by how their words reach us (own-words, quoted, reported, editorial); null (not recorded) last.")] IReadOnlyList<AttributionPositions> ByAttribution);

/// <summary>The precomputed counts behind topic summaries (db/migrations/0006_topic_tallies.sql).</summary>
public static class TopicTallies
{
    /// <summary>Recounts every tally from the stances, through the view that defines them: for a bulk
    /// load that set the triggers aside.</summary>
    public const string Rebuild = """
        DELETE FROM topic_tallies;
        INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
        SELECT topic_id, dimension, group_key, supports, opposes, mixed, neutral, total FROM topic_tallies_recount;
        """;

    /// <summary>Tallies that differ from a full recount (zero rows aside): none when the triggers kept them in step.</summary>
    public const string Drift = """
        WITH kept AS (SELECT topic_id, dimension, group_key, supports, opposes, mixed, neutral, total FROM topic_tallies WHERE total > 0),
             recounted AS (SELECT topic_id, dimension, group_key, supports, opposes, mixed, neutral, total FROM topic_tallies_recount)
        SELECT 'kept' AS side, * FROM (SELECT * FROM kept EXCEPT SELECT * FROM recounted) only_kept
        UNION ALL
        SELECT 'recounted', * FROM (SELECT * FROM recounted EXCEPT SELECT * FROM kept) only_recounted
        """;
}

/// <summary>Reads summaries from the tallies that db/migrations/0006_topic_tallies.sql keeps in step
/// with every write, so a summary costs a few index range reads however many stances a topic has.</summary>
public static class TopicSummaryQueries
{
    /// <summary>How many outlets and voices a summary lists; the rest are counted together. A topic of a
    /// million-article archive has hundreds of outlets and thousands of voices: listing them all made a
    /// summary half a megabyte, and its cost grew with the archive.</summary>
    public const int ListedGroups = 50;

    private sealed class TallyRow
    {
        public string Dimension { get; init; } = "";
        public string GroupKey { get; init; } = "";
        public string? GroupName { get; init; }
        public string? GroupKind { get; init; }
        public long Supports { get; init; }
        public long Opposes { get; init; }
        public long Mixed { get; init; }
        public long Neutral { get; init; }

        public PositionCounts Positions => new(Supports, Opposes, Mixed, Neutral);

        /// <summary>The group's id, or null for the unknown outlet, the editorial voice, an unknown month.</summary>
        public string? GroupId => GroupKey == "" ? null : GroupKey;
    }

    private sealed class TopicRow
    {
        public string Id { get; init; } = "";
        public string Title { get; init; } = "";
        public string Proposition { get; init; } = "";
        public long? TimeDependent { get; init; }
    }

    /// <summary>The reads one summary makes, for the query-plan test. Each is a range of one index.</summary>
    public static string[] TallyQueries => [Listed, TopOutlets, TopVoices, GroupCount];

    // The dimensions listed whole: the topic's total, its months, its times held, its kinds of voice and attributions.
    private const string Listed = """
        SELECT dimension, group_key, supports, opposes, mixed, neutral FROM topic_tallies
        WHERE topic_id = @topic AND dimension IN ('all', 'month', 'held_year', 'held_month', 'voice_kind', 'attribution') AND total > 0
        """;
    // The outlets and voices with most stances, read in order from ix_topic_tallies_rank and stopped after the limit.
    private static readonly string TopOutlets = TopGroups("outlet", "outlets", "NULL");
    private static readonly string TopVoices = TopGroups("author", "authors", "n.kind");

    private static string TopGroups(string dimension, string namesTable, string kind) => $"""
        SELECT t.dimension, t.group_key, n.name AS group_name, {kind} AS group_kind, t.supports, t.opposes, t.mixed, t.neutral
        FROM topic_tallies t INDEXED BY ix_topic_tallies_rank LEFT JOIN {namesTable} n ON n.id = t.group_key
        WHERE t.topic_id = @topic AND t.dimension = '{dimension}' AND t.total > 0
        ORDER BY t.total DESC, t.group_key
        {SqlDialect.Limit(ListedGroups)}
        """;

    /// <summary>The query with SQLite's index hint, or without it where the provider takes none.</summary>
    private static string Hinted(SqlDialect dialect, string sql) =>
        sql.Replace(" INDEXED BY ix_topic_tallies_rank", dialect.IndexedBy("ix_topic_tallies_rank"), StringComparison.Ordinal);

    private const string GroupCount = """
        SELECT count(*) FROM topic_tallies INDEXED BY ix_topic_tallies_rank
        WHERE topic_id = @topic AND dimension = @dimension AND total > 0
        """;

    public static async Task<TopicSummary?> FindAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        var topic = await connection.QuerySingleOrDefaultAsync<TopicRow>(new CommandDefinition(
            "SELECT id, title, proposition, time_dependent FROM topics WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return topic is null ? null : await SummarizeAsync(connection, topic, cancellationToken);
    }

    private sealed class PositionsRow
    {
        public string TopicId { get; init; } = "";
        public long Supports { get; init; }
        public long Opposes { get; init; }
        public long Mixed { get; init; }
        public long Neutral { get; init; }
    }

    /// <summary>The <see cref="TopicSummary.Positions"/> of several topics at once (their 'all' tallies), for a
    /// list that shows where each topic's stances stand without the rest of its summary: one index read per topic.</summary>
    public static async Task<IReadOnlyDictionary<string, PositionCounts>> PositionsAsync(
        DbConnection connection, IReadOnlyList<string> topicIds, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<PositionsRow>(new CommandDefinition("""
            SELECT topic_id, supports, opposes, mixed, neutral FROM topic_tallies
            WHERE topic_id IN @topicIds AND dimension = 'all' AND group_key = ''
            """, new { topicIds }, cancellationToken: cancellationToken));
        var positions = rows.ToDictionary(r => r.TopicId, r => new PositionCounts(r.Supports, r.Opposes, r.Mixed, r.Neutral));
        // A topic without stances has no tally yet: nothing to count.
        foreach (var id in topicIds) positions.TryAdd(id, new PositionCounts(0, 0, 0, 0));
        return positions;
    }

    /// <summary>GET /v1/topics/summary: the topics as GET /v1/topics pages them (same filters and sorts), each summarized.</summary>
    public static readonly Collection Collection = TopicQueries.Collection with { Name = "topic summaries" };

    /// <summary>The summaries of a page of topics: a few index range reads each.</summary>
    public static async Task<IReadOnlyList<TopicSummary>> SummariesAsync(DbConnection connection, IReadOnlyList<TopicQueries.Row> rows, CancellationToken cancellationToken)
    {
        var summaries = new List<TopicSummary>();
        foreach (var row in rows)
            summaries.Add(await SummarizeAsync(connection, new TopicRow { Id = row.Id, Title = row.Title, Proposition = row.Proposition, TimeDependent = row.TimeDependent }, cancellationToken));
        return summaries;
    }

    private static async Task<TopicSummary> SummarizeAsync(DbConnection connection, TopicRow topic, CancellationToken cancellationToken)
    {
        var dialect = SqlDialect.Of(connection);
        async Task<List<TallyRow>> ReadAsync(string sql) => (await connection.QueryAsync<TallyRow>(
            new CommandDefinition(Hinted(dialect, sql), new { topic = topic.Id }, cancellationToken: cancellationToken))).ToList();
        var listed = (await ReadAsync(Listed)).ToLookup(r => r.Dimension);
        var outlets = await ReadAsync(TopOutlets);
        var voices = await ReadAsync(TopVoices);
        var positions = listed["all"].SingleOrDefault()?.Positions ?? new PositionCounts(0, 0, 0, 0);

        // Every stance has exactly one outlet group and one voice group, so the unlisted groups hold
        // what the listed ones do not.
        async Task<Remainder?> RestAsync(string dimension, List<TallyRow> top)
        {
            if (top.Count < ListedGroups) return null;
            var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                Hinted(dialect, GroupCount), new { topic = topic.Id, dimension }, cancellationToken: cancellationToken));
            return count == top.Count ? null : new Remainder(count - top.Count, new PositionCounts(
                positions.Supports - top.Sum(v => v.Supports), positions.Opposes - top.Sum(v => v.Opposes),
                positions.Mixed - top.Sum(v => v.Mixed), positions.Neutral - top.Sum(v => v.Neutral)));
        }

        return new TopicSummary(
            topic.Id, new TopicRef(topic.Id, topic.Title), topic.Proposition, topic.TimeDependent is null ? null : topic.TimeDependent == 1, positions,
            outlets.Select(g => new OutletPositions(OutletRef.From(g.GroupId, g.GroupName), g.Positions)).ToList(),
            await RestAsync("outlet", outlets),
            voices.Select(v => new AuthorPositions(AuthorRef.From(v.GroupId, v.GroupName, v.GroupKind), v.Positions)).ToList(),
            await RestAsync("author", voices),
            Ordered("month").Select(g => new MonthPositions(g.GroupId, g.Positions)).ToList(),
            Ordered("held_year").Select(g => new HeldYearPositions(g.GroupId, g.Positions)).ToList(),
            Ordered("held_month").Select(g => new HeldMonthPositions(g.GroupId, g.Positions)).ToList(),
            Ordered("voice_kind").Select(g => new VoiceKindPositions(g.GroupId, g.Positions)).ToList(),
            Ordered("attribution").Select(g => new AttributionPositions(g.GroupId, g.Positions)).ToList());

        // Periods oldest first, kinds in binary order; the unknown group last.
        IEnumerable<TallyRow> Ordered(string dimension) =>
            listed[dimension].OrderBy(g => g.GroupId is null).ThenBy(g => g.GroupId, StringComparer.Ordinal);
    }
}
