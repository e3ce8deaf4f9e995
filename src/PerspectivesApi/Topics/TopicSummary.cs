using System.ComponentModel;
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
    [property: Description("The voice; null for the editorial voice of unsigned articles.")] AuthorRef? Author,
    [property: Description("The positions of its stances.")] PositionCounts Positions);

/// <summary>Positions of the stances in articles published in one month.</summary>
public sealed record MonthPositions(
    [property: Description("yyyy-MM; null for articles whose date is unknown or known only to the year.")] string? Month,
    [property: Description("The positions of the stances in that month's articles.")] PositionCounts Positions);

/// <summary>Where the perspectives on one question stand: positions overall, by outlet, by voice and by month.</summary>
public sealed record TopicSummary(
    [property: Description("The topic.")] TopicRef Topic,
    [property: Description("The proposition stances take a position on.")] string Proposition,
    [property: Description("Positions of all the topic's stances.")] PositionCounts Positions,
    [property: Description("Positions by the outlet of the stance's article, most stances first.")] IReadOnlyList<OutletPositions> ByOutlet,
    [property: Description("Positions by the voice holding the stance, most stances first.")] IReadOnlyList<AuthorPositions> ByAuthor,
    [property: Description("Positions by the month the stance's article was published, oldest first; null (unknown or year-only dates) last.")] IReadOnlyList<MonthPositions> ByMonth);

/// <summary>Every topic's summary.</summary>
public sealed record TopicSummaries(
    [property: Description("One summary per topic, by title.")] IReadOnlyList<TopicSummary> Items);

public static class TopicSummaryQueries
{
    private sealed class CountRow
    {
        public string TopicId { get; init; } = "";
        public string? GroupId { get; init; }
        public string? GroupName { get; init; }
        public string Position { get; init; } = "";
        public long Count { get; init; }
    }

    private sealed record TopicRow(string Id, string Title, string Proposition);

    // One grouped count per dimension. The stances of a topic are found through its topic indexes;
    // an article's outlet and date are read from the covering ix_articles_dating, named explicitly
    // so the plan does not depend on statistics (reading article rows instead costs 2–3 times as
    // much on a million articles: bench/RESULTS.md).
    /// <summary>The grouped counts, for the query-plan test.</summary>
    public static readonly string[] CountQueries = [ByOutlet, ByAuthor, ByMonth];

    private const string ByOutlet = """
        SELECT s.topic_id, a.outlet_id AS group_id, o.name AS group_name, s.position, count(*) AS count
        FROM stances s JOIN articles a INDEXED BY ix_articles_dating ON a.id = s.article_id LEFT JOIN outlets o ON o.id = a.outlet_id
        WHERE s.topic_id IN @topics GROUP BY s.topic_id, a.outlet_id, s.position
        """;
    private const string ByAuthor = """
        SELECT s.topic_id, s.author_id AS group_id, au.name AS group_name, s.position, count(*) AS count
        FROM stances s LEFT JOIN authors au ON au.id = s.author_id
        WHERE s.topic_id IN @topics GROUP BY s.topic_id, s.author_id, s.position
        """;
    private const string ByMonth = """
        SELECT s.topic_id,
               CASE WHEN a.published_precision IN ('day', 'month') THEN substr(a.published_date, 1, 7) END AS group_id,
               NULL AS group_name, s.position, count(*) AS count
        FROM stances s JOIN articles a INDEXED BY ix_articles_dating ON a.id = s.article_id
        WHERE s.topic_id IN @topics GROUP BY s.topic_id, group_id, s.position
        """;

    public static async Task<TopicSummary?> FindAsync(SqliteConnection connection, string id, CancellationToken cancellationToken) =>
        (await SummarizeAsync(connection, [id], cancellationToken)).SingleOrDefault();

    public static async Task<TopicSummaries> AllAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var ids = (await connection.QueryAsync<string>(new CommandDefinition("SELECT id FROM topics ORDER BY title, id", cancellationToken: cancellationToken))).ToArray();
        return new TopicSummaries(await SummarizeAsync(connection, ids, cancellationToken));
    }

    private static async Task<IReadOnlyList<TopicSummary>> SummarizeAsync(SqliteConnection connection, string[] topicIds, CancellationToken cancellationToken)
    {
        var parameters = new { topics = topicIds };
        var topics = (await connection.QueryAsync<TopicRow>(new CommandDefinition(
            "SELECT id, title, proposition FROM topics WHERE id IN @topics ORDER BY title, id", parameters, cancellationToken: cancellationToken))).ToList();
        async Task<ILookup<string, CountRow>> CountAsync(string sql) =>
            (await connection.QueryAsync<CountRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToLookup(r => r.TopicId);
        var byOutlet = await CountAsync(ByOutlet);
        var byAuthor = await CountAsync(ByAuthor);
        var byMonth = await CountAsync(ByMonth);

        static IEnumerable<(string? Id, string? Name, PositionCounts Positions)> Groups(IEnumerable<CountRow> rows) =>
            rows.GroupBy(r => (r.GroupId, r.GroupName))
                .Select(g => (g.Key.GroupId, g.Key.GroupName, PositionCounts.From(g.Select(r => (r.Position, r.Count)))));

        return topics.Select(t => new TopicSummary(
            new TopicRef(t.Id, t.Title), t.Proposition,
            PositionCounts.From(byAuthor[t.Id].Select(r => (r.Position, r.Count))),
            Groups(byOutlet[t.Id]).OrderByDescending(g => g.Positions.Total).ThenBy(g => g.Name is null).ThenBy(g => g.Name, StringComparer.Ordinal)
                .Select(g => new OutletPositions(OutletRef.From(g.Id, g.Name), g.Positions)).ToList(),
            Groups(byAuthor[t.Id]).OrderByDescending(g => g.Positions.Total).ThenBy(g => g.Name is null).ThenBy(g => g.Name, StringComparer.Ordinal)
                .Select(g => new AuthorPositions(AuthorRef.From(g.Id, g.Name), g.Positions)).ToList(),
            Groups(byMonth[t.Id]).OrderBy(g => g.Id is null).ThenBy(g => g.Id, StringComparer.Ordinal)
                .Select(g => new MonthPositions(g.Id, g.Positions)).ToList())).ToList();
    }
}
