using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;
using PerspectivesApi.Http;

namespace PerspectivesApi.Outlets;

public static class OutletQueries
{
    public static readonly Collection Collection = new(
        Name: "outlets",
        Columns: """
            o.id, o.name, o.kind, o.country, o.url, o.description,
            (SELECT count(*) FROM articles a WHERE a.outlet_id = o.id) AS article_count
            """,
        From: "outlets o",
        IdColumn: "o.id",
        Filters:
        [
            new("country", FilterKind.Country, "o.country IN @country", "Only outlets from this country (ISO 3166-1 alpha-2, capitals). Repeat for several.", "GE"),
            new("kind", FilterKind.Choice, "o.kind IN @kind", "Only outlets of this kind. Repeat for several. " + Vocabulary.OutletKinds.Definitions, "newspaper", Vocabulary.OutletKinds.Values),
        ],
        Sorts: [new("name", "o.name", "By name (binary order)."), new("id", "o.id", "By id.")],
        DefaultSort: "name")
    {
        Facets =
        [
            new("country", "o.country", null, "Outlets per country (null: not certain)."),
            new("kind", "o.kind", null, "Outlets per kind (null: not certain)."),
        ],
    };

    public sealed class Row : IPageRow
    {
        public string Id { get; init; } = "";
        public object SortKey { get; init; } = "";
        public object PageId { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Kind { get; init; }
        public string? Country { get; init; }
        public string? Url { get; init; }
        public string? Description { get; init; }
        public long ArticleCount { get; init; }

        public Outlet ToOutlet() => new(Id, Name, Kind, Country, Url, Description, ArticleCount);
    }

    public static Task<IReadOnlyList<Outlet>> ItemsAsync(DbConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Outlet>>(rows.Select(r => r.ToOutlet()).ToList());

    public static async Task<Outlet?> FindAsync(DbConnection connection, string id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Collection.FindByIdSql, new { id }, cancellationToken: cancellationToken)))?.ToOutlet();
}
