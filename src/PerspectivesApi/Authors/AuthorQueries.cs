using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Authors;

public static class AuthorQueries
{
    public static readonly Collection Collection = new(
        Name: "authors",
        Columns: """
            au.id, au.name, au.kind, au.affiliation, au.outlet_id, o.name AS outlet_name,
            (SELECT count(DISTINCT c.article_id) FROM credits c WHERE c.author_id = au.id) AS article_count,
            (SELECT count(*) FROM stances s WHERE s.author_id = au.id) AS stance_count
            """,
        From: "authors au LEFT JOIN outlets o ON o.id = au.outlet_id",
        IdColumn: "au.id",
        Filters:
        [
            new("article", FilterKind.Id,
                "au.id IN (SELECT c.author_id FROM credits c WHERE c.article_id IN @article UNION SELECT s.author_id FROM stances s WHERE s.article_id IN @article)",
                "Only voices credited on, or holding a stance in, this article (an article id). Repeat for several.", "point-of-no-return-aslan-ismailov"),
            new("topic", FilterKind.Id, "au.id IN (SELECT s.author_id FROM stances s WHERE s.topic_id IN @topic)",
                "Only voices holding a stance on this topic (a topic id). Repeat for several.", "baku-moscow-rift-is-permanent"),
            new("kind", FilterKind.Choice, "au.kind IN @kind",
                "Only voices of this kind. Repeat for several. " + Vocabulary.VoiceKinds.Definitions, "institution", Vocabulary.VoiceKinds.Values),
        ],
        Sorts: [new("name", "au.name", "By name (binary order)."), new("id", "au.id", "By id.")],
        DefaultSort: "name")
    {
        CountSource = "authors au",
        Facets = [new("kind", "au.kind", null, "Voices per kind.")],
    };

    public sealed class Row : IPageRow
    {
        public string Id { get; init; } = "";
        public object SortKey { get; init; } = "";
        public object PageId { get; init; } = "";
        public string Name { get; init; } = "";
        public string Kind { get; init; } = "";
        public string? Affiliation { get; init; }
        public string? OutletId { get; init; }
        public string? OutletName { get; init; }
        public long ArticleCount { get; init; }
        public long StanceCount { get; init; }

        public Author ToAuthor() => new(Id, Name, Kind, Affiliation, OutletRef.From(OutletId, OutletName), ArticleCount, StanceCount);
    }

    public static Task<IReadOnlyList<Author>> ItemsAsync(DbConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Author>>(rows.Select(r => r.ToAuthor()).ToList());

    public static async Task<Author?> FindAsync(DbConnection connection, string id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Collection.FindByIdSql, new { id }, cancellationToken: cancellationToken)))?.ToAuthor();
}
