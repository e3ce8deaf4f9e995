using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Http;

namespace PerspectivesApi.Topics;

public static class TopicQueries
{
    public static readonly Collection Collection = new(
        Name: "topics",
        Columns: "t.id, t.title, t.proposition, t.description, t.time_dependent, (SELECT count(*) FROM stances s WHERE s.topic_id = t.id) AS stance_count",
        From: "topics t",
        IdColumn: "t.id",
        Filters:
        [
            new("article", FilterKind.Id, "t.id IN (SELECT s.topic_id FROM stances s WHERE s.article_id IN @article)",
                "Only topics on which this article holds a stance (an article id). Repeat for several.", "point-of-no-return-aslan-ismailov"),
            new("author", FilterKind.Id, "t.id IN (SELECT s.topic_id FROM stances s WHERE s.author_id IN @author)",
                "Only topics on which this voice holds a stance (an author id). Repeat for several.", "aslan-ismailov"),
        ],
        Sorts: [new("title", "t.title", "By title (binary order)."), new("id", "t.id", "By id.")],
        DefaultSort: "title");

    public sealed class Row : IPageRow
    {
        public string Id { get; init; } = "";
        public object SortKey { get; init; } = "";
        public object PageId { get; init; } = "";
        public string Title { get; init; } = "";
        public string Proposition { get; init; } = "";
        public string? Description { get; init; }
        public long? TimeDependent { get; init; }
        public long StanceCount { get; init; }

        public Topic ToTopic() => new(Id, Title, Proposition, Description, TimeDependent is null ? null : TimeDependent == 1, StanceCount);
    }

    public static Task<IReadOnlyList<Topic>> ItemsAsync(DbConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Topic>>(rows.Select(r => r.ToTopic()).ToList());

    public static async Task<Topic?> FindAsync(DbConnection connection, string id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Collection.FindByIdSql, new { id }, cancellationToken: cancellationToken)))?.ToTopic();
}
