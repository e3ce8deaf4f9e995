using Dapper;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Http;

/// <summary>When a full-text search is sorted by something other than relevance (a date, a title, an id), FTS5 can
/// only hand over its matches in its own order, so SQLite reads every match's row and sorts them all: for a word in
/// most of the archive, hundreds of thousands of row lookups (2 s for 756,568 matches of the million-article archive).
/// A common word is better found the other way round: walk the sort's own index (with the other filters and the
/// cursor, as the page would) and test each row against the full-text index until the page is full. That costs one
/// test per row read, about 20–100 µs, so it only pays when matches are dense; and it reads at most
/// <see cref="WalkRows"/> rows. The answer is the same either way: the walk reads rows in the page's own order, and
/// when it does not fill the page within its bound, the page is read the usual way. Bound from the "Search" section.</summary>
public sealed class OrderedSearch
{
    /// <summary>From how many matches q counts as common (counted up to this number only): below it, sorting the
    /// matches costs less than walking; the default is 2% of a million-article archive.</summary>
    public int WalkFromMatches { get; set; } = 20_000;

    /// <summary>The most rows of the sort's index one walk reads before it gives up on filling the page.</summary>
    public int WalkRows { get; set; } = 2_000;

    /// <summary>The search filter a walk can answer <paramref name="request"/> with, or null: a page (not an export),
    /// sorted by a key of the collection's own rows (not relevance), with q and its per-row test.</summary>
    private static Filter? Walkable(ListRequest request) =>
        request.Sort.Source is null && request.Sort.TieBreak is null
            ? request.Collection.Filters.FirstOrDefault(f => f.Kind == FilterKind.Search && f.Probe is not null && request.Filters.ContainsKey(f.Name))
            : null;

    /// <summary>The page's rows (one more than the limit when another page follows) found by a walk, or null when
    /// the search is not common or the walk did not fill the page: the caller then reads the page the usual way.</summary>
    public async Task<List<TRow>?> TryWalkAsync<TRow>(System.Data.Common.DbConnection connection, ListRequest request, string? pathValue, CancellationToken cancellationToken)
    {
        // SQLite's answer to FTS5's one order. PostgreSQL's planner weighs the GIN index's matches against walking the
        // sort's index by itself (its statistics know how common a word is), so its pages are always read the usual way.
        if (Data.SqlDialect.Of(connection).Provider != Data.DatabaseProvider.Sqlite) return null;
        if (Walkable(request) is not { } search) return null;
        var q = request.Filters[search.Name][0];
        var common = false;
        foreach (var table in search.SearchTables)
            // The table name comes from the collection's fixed definition, never from the request.
            common |= await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH @q {Data.SqlDialect.Limit(WalkFromMatches)})",
                new { q }, cancellationToken: cancellationToken)) >= WalkFromMatches;
        if (!common) return null;

        var (boundSql, boundParameters) = CollectionReader.WalkBoundQuery(request, pathValue, search, WalkRows);
        var bound = (await connection.QueryAsync<WalkBound>(new CommandDefinition(boundSql, boundParameters, cancellationToken: cancellationToken))).FirstOrDefault();
        var (sql, parameters) = CollectionReader.WalkQuery(request, pathValue, search, bound);
        var rows = (await connection.QueryAsync<TRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        // Fewer rows than a full page with more to walk: the matches lie further on; only the usual read is exact.
        return rows.Count > request.Limit || bound is null ? rows : null;
    }

    /// <summary>The sort key and id of the last row a walk may read. Read by property: Dapper maps sort_key to SortKey.</summary>
    public sealed class WalkBound
    {
        public required string SortKey { get; init; }
        public required string PageId { get; init; }
    }
}
