using System.Data.Common;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;
using PerspectivesApi.Exports;

namespace PerspectivesApi.Http;

/// <summary>The one mechanism that lists every collection: validates the query, reads one page with
/// a keyset seek (never OFFSET, so page 10,000 costs what page 1 costs), signs the next cursor, counts
/// on request and writes the Link header.</summary>
public sealed class CollectionReader(Database database, CursorCodec cursors, OrderedSearch orderedSearch)
{
    public delegate Task<IReadOnlyList<TItem>> Projection<TRow, TItem>(DbConnection connection, IReadOnlyList<TRow> rows, CancellationToken cancellationToken);

    public async Task<IResult> ListAsync<TRow, TItem>(
        HttpContext http, Collection collection, Projection<TRow, TItem> project, CancellationToken cancellationToken,
        string? pathValue = null)
        where TRow : IPageRow
    {
        var listing = await ReadAsync(http.Request.Query, http.Request.Headers.Accept, collection, project, cancellationToken, pathValue);
        if (listing.Answer is { } answer) return answer;
        if (listing.Page!.NextCursor is { } next) http.Response.Headers.Link = $"<{NextPageUrl(http.Request, next)}>; rel=\"next\"";
        return new CachedJson<Page<TItem>>(listing.Page);
    }

    /// <summary>Reads what a list request asks for, as objects: one page of items, or the answer that takes
    /// its place (a problem naming what was wrong, or the export the request asked for). The API writes the
    /// page as JSON; the explorer's pages render it, from the same query, with the same cursors.</summary>
    public async Task<Listing<TItem>> ReadAsync<TRow, TItem>(
        IQueryCollection query, IList<string> accept, Collection collection, Projection<TRow, TItem> project, CancellationToken cancellationToken,
        string? pathValue = null)
        where TRow : IPageRow
    {
        var request = ListRequest.Parse(query, collection, pathValue, cursors, out var errors, accept);
        if (errors.Count > 0) return new(null, Problems.InvalidParameters(errors));
        if (request.Format is null) return new(null, Problems.NotAcceptable(accept));
        if (collection.EmptyWithout is { } needed && !request.Filters.ContainsKey(needed)) return new(null, Nothing<TItem>(request));

        await using var connection = await database.OpenReadAsync(cancellationToken);
        // A page of a parent's items that has items needs no check that the parent exists: its items name it, and the
        // foreign keys make it exist. So a plain page is read first and the parent looked up only when the page is
        // empty, one statement fewer for every page that is not (bench/PERF.md). A search is checked, and an export
        // starts, only for a parent that exists, as before.
        var checkParentFirst = request.Format is not ListFormat.Json || request.Searching;
        if (checkParentFirst && await MissingParentAsync(connection, collection, pathValue, cancellationToken) is { } missing)
            return new(null, missing);

        if (await CheckSearchAsync(connection, request, cancellationToken) is { } searchProblem) return new(null, searchProblem);
        var dialect = database.Dialect;

        if (request.Format is not ListFormat.Json) return new(null, new CollectionExport<TRow, TItem>(request, pathValue, project));

        var rows = await orderedSearch.TryWalkAsync<TRow>(connection, request, pathValue, cancellationToken);
        if (rows is null)
        {
            var (sql, parameters) = PageQuery(request, pathValue, dialect);
            rows = (await connection.QueryAsync<TRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        }
        if (!checkParentFirst && rows.Count == 0 && await MissingParentAsync(connection, collection, pathValue, cancellationToken) is { } missingParent)
            return new(null, missingParent);
        var hasMore = rows.Count > request.Limit;
        if (hasMore) rows.RemoveAt(rows.Count - 1);

        long? total = null;
        if (request.Count)
        {
            var (countSql, countParameters) = CountQuery(request, pathValue, dialect);
            total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(countSql, countParameters, cancellationToken: cancellationToken));
        }

        Dictionary<string, IReadOnlyList<FacetCount>>? facets = null;
        Dictionary<string, FacetOther>? facetOther = null;
        foreach (var facet in request.Facets)
        {
            var (facetSql, facetParameters) = FacetQuery(request, facet, pathValue, dialect);
            var counted = (await connection.QueryAsync<FacetRow>(new CommandDefinition(facetSql, facetParameters, cancellationToken: cancellationToken))).ToList();
            facets ??= [];
            facetOther ??= [];
            facets[facet.Name] = counted.Select(r => new FacetCount(r.Value, r.Label, r.Count)).ToList();
            // Every row carries the totals over all the facet's values, listed or not.
            facetOther[facet.Name] = counted.Count == 0
                ? new FacetOther(0, 0)
                : new FacetOther(counted[0].Groups - counted.Count, counted[0].Items - counted.Sum(r => r.Count));
        }

        var next = hasMore ? cursors.Encode(new Cursor(request.QueryFingerprint, rows[^1].SortKey, rows[^1].PageId)) : null;
        var items = await project(connection, rows, cancellationToken);
        return new(new Page<TItem>(items, next, total, facets, facetOther), null);
    }

    /// <summary>The 404 of a nested collection whose parent (the resource it lists the items of) does not exist;
    /// null when it does, or when the collection has no parent.</summary>
    private static async Task<IResult?> MissingParentAsync(DbConnection connection, Collection collection, string? pathValue, CancellationToken cancellationToken) =>
        collection.Parent is { } parent && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            // The table name comes from the collection's fixed definition, never from the request.
            $"SELECT count(*) FROM {parent.Table} WHERE id = @id", new { id = pathValue }, cancellationToken: cancellationToken)) == 0
            ? Problems.NotFound(parent.Name, pathValue ?? "")
            : null;

    /// <summary>What a collection that needs a filter (<see cref="Collection.EmptyWithout"/>) answers without it.</summary>
    private static IResult Nothing<TItem>(ListRequest request) => request.Format switch
    {
        // Facets asked for are there, empty, with nothing left out: the same shape as any page.
        ListFormat.Json or null => new CachedJson<Page<TItem>>(new Page<TItem>([], null, request.Count ? 0 : null,
            request.Facets.Count == 0 ? null : request.Facets.ToDictionary(f => f.Name, _ => (IReadOnlyList<FacetCount>)[]),
            request.Facets.Count == 0 ? null : request.Facets.ToDictionary(f => f.Name, _ => new FacetOther(0, 0)))),
        // The table's header (or schema) and no rows.
        { } format => new TableDownload(request.Collection.Name.Replace(' ', '-'), FlatTable<TItem>.Columns, format, (_, _, _) => Task.CompletedTask),
    };

    /// <summary>The SQL that reads one page: filters, then a keyset seek past the cursor, in the
    /// requested order, one row more than the limit to learn whether another page follows.</summary>
    public static (string Sql, DynamicParameters Parameters) PageQuery(ListRequest request, string? pathValue, SqlDialect? dialect = null) =>
        SelectQuery(request, pathValue, paged: true, dialect ?? SqlDialect.Sqlite);

    /// <summary>The SQL that reads the whole filtered collection in order (or its first <c>limit</c> rows, a sample), for an export.</summary>
    public static (string Sql, DynamicParameters Parameters) ExportQuery(ListRequest request, string? pathValue, SqlDialect? dialect = null) =>
        SelectQuery(request, pathValue, paged: false, dialect ?? SqlDialect.Sqlite);

    private static (string Sql, DynamicParameters Parameters) SelectQuery(ListRequest request, string? pathValue, bool paged, SqlDialect dialect)
    {
        var (sql, parameters) = SelectQuery(request, pathValue, paged);
        return (dialect.FullText(sql), WithSearchValues(request, parameters, dialect));
    }

    private static (string Sql, DynamicParameters Parameters) SelectQuery(ListRequest request, string? pathValue, bool paged)
    {
        var collection = request.Collection;
        var sort = request.Sort;
        var tie = sort.TieBreak ?? collection.IdColumn;
        var (conditions, parameters) = Conditions(request, pathValue);
        if (paged) AddSeek(request, conditions, parameters);
        var direction = request.Descending ? "DESC" : "ASC";
        var where = Where(conditions);
        var order = OrderBy(sort.Key, tie, direction);
        var limit = paged ? SqlDialect.Limit(request.Limit + 1) : request.Sample is { } sample ? SqlDialect.Limit(sample) : null;

        if (paged && collection.TwoPhase)
        {
            // Two steps: the page's keys in order, with nothing else computed (a search may match
            // 100,000 rows, which must not each get their correlated counts and joins); then the
            // full columns for those rows only. The keys come from the narrow FROM the filters are written
            // over (a topic's stances from its index alone, not joined to their topic and article to be
            // counted out), and the rows are found again by rowid where the table has one. A sort with its
            // own source (relevance) reads the keys from the full-text index alone when nothing else filters.
            var onlyItsFilter = sort.Source is not null && request.Filters.Keys.All(k => k == sort.Requires) && collection.PathFilter is null;
            var source = onlyItsFilter ? sort.Source : collection.CountFrom + Joins(request);
            if (onlyItsFilter) where = Where(conditions.Where(c => c != collection.Filters.Single(f => f.Name == sort.Requires).Condition));
            var (rowKey, found) = Refind(collection, sort);
            var sql = $"SELECT {collection.Columns}, page.sort_key AS sort_key, page.page_id AS page_id " +
                      $"FROM (SELECT {tie} AS page_id, {sort.Key} AS sort_key{rowKey} FROM {source}{where}{order} {limit}) page, " +
                      $"{collection.From} WHERE {found}" +
                      OrderBy("page.sort_key", sort.Key == tie ? "page.sort_key" : "page.page_id", direction);
            return (sql, parameters);
        }
        var (columns, from) = !paged && collection.Export is { } export ? export : (collection.Columns, collection.From);
        return ($"SELECT {columns}, {sort.Key} AS sort_key, {tie} AS page_id FROM {from}{Joins(request)}{where}{order}" +
                (limit is null ? "" : " " + limit), parameters);
    }

    /// <summary>How the second step of a page finds the rows its first step chose: by rowid where the collection's table has
    /// one (the extra column the first step returns, and the condition), else by the tie-breaker it returned as page_id.</summary>
    private static (string RowKeyColumn, string Condition) Refind(Collection collection, Sort sort) =>
        sort.TieBreak is null && collection.RowKey is { } rowKey
            ? ($", {rowKey} AS row_key", $"{rowKey} = page.row_key")
            : ("", $"{(sort.TieBreak is null ? collection.IdColumn : sort.SourceMatch)} = page.page_id");

    /// <summary>A page's order: the sort key, then the tie-breaker, which is left out when it is the key itself (by id):
    /// SQLite then reads the order from the index, where a repeated term made it sort the page's candidates.</summary>
    private static string OrderBy(string key, string tie, string direction) =>
        key == tie ? $" ORDER BY {key} {direction}" : $" ORDER BY {key} {direction}, {tie} {direction}";

    /// <summary>Past the cursor, if there is one: a row-value comparison that SQLite answers with a seek in the (key, id) index.</summary>
    private static void AddSeek(ListRequest request, List<string> conditions, DynamicParameters parameters)
    {
        if (request.After is not { } after) return;
        conditions.Add($"({request.Sort.Key}, {request.Sort.TieBreak ?? request.Collection.IdColumn}) {(request.Descending ? "<" : ">")} (@__key, @__id)");
        parameters.Add("__key", after.Key);
        parameters.Add("__id", after.Id);
    }

    /// <summary>The SQL that finds where a walk (<see cref="OrderedSearch"/>) stops: the sort key and id of the
    /// <paramref name="rows"/>-th row of the page's order, past the cursor, with every filter but the search.</summary>
    public static (string Sql, DynamicParameters Parameters) WalkBoundQuery(ListRequest request, string? pathValue, Filter search, int rows)
    {
        var (conditions, parameters) = Conditions(request, pathValue);
        conditions.Remove(search.Condition);
        AddSeek(request, conditions, parameters);
        var (key, id, direction) = (request.Sort.Key, request.Collection.IdColumn, request.Descending ? "DESC" : "ASC");
        return ($"SELECT {key} AS sort_key, {id} AS page_id FROM {request.Collection.From}{Joins(request, except: search)}{Where(conditions)}" +
                $"{OrderBy(key, id, direction)} {SqlDialect.Limit(1, offset: rows - 1)}", parameters);
    }

    /// <summary>The SQL of a walk (<see cref="OrderedSearch"/>): the page's keys in the page's order, read from the
    /// sort's index up to <paramref name="bound"/> (null: to the end), each row tested against the full-text index
    /// (<see cref="Filter.Probe"/>) instead of joined to every match; then the page's columns, as <see cref="PageQuery"/>.</summary>
    public static (string Sql, DynamicParameters Parameters) WalkQuery(ListRequest request, string? pathValue, Filter search, OrderedSearch.WalkBound? bound)
    {
        var collection = request.Collection;
        var (conditions, parameters) = Conditions(request, pathValue);
        conditions[conditions.IndexOf(search.Condition)] = search.Probe!;
        AddSeek(request, conditions, parameters);
        var (key, id, direction) = (request.Sort.Key, collection.IdColumn, request.Descending ? "DESC" : "ASC");
        if (bound is not null)
        {
            conditions.Add($"({key}, {id}) {(request.Descending ? ">=" : "<=")} (@__boundKey, @__boundId)");
            parameters.Add("__boundKey", bound.SortKey);
            parameters.Add("__boundId", bound.PageId);
        }
        var (rowKey, found) = Refind(collection, request.Sort);
        return ($"SELECT {collection.Columns}, page.sort_key AS sort_key, page.page_id AS page_id " +
                $"FROM (SELECT {id} AS page_id, {key} AS sort_key{rowKey} FROM {collection.From}{Joins(request, except: search)}{Where(conditions)}" +
                $"{OrderBy(key, id, direction)} {SqlDialect.Limit(request.Limit + 1)}) page, {collection.From} WHERE {found}" +
                OrderBy("page.sort_key", key == id ? "page.sort_key" : "page.page_id", direction), parameters);
    }

    /// <summary>The SQL that counts the whole filtered collection, for <c>count=true</c>.</summary>
    public static (string Sql, DynamicParameters Parameters) CountQuery(ListRequest request, string? pathValue, SqlDialect? dialect = null)
    {
        dialect ??= SqlDialect.Sqlite;
        var (conditions, parameters) = Conditions(request, pathValue);
        var sql = $"SELECT count(*) FROM {request.Collection.CountFrom}{Joins(request)}" + Where(conditions);
        return (dialect.FullText(sql), WithSearchValues(request, parameters, dialect));
    }

    /// <summary>The parameters with each full-text query in the provider's syntax (the request keeps FTS5's, which
    /// its cursor's fingerprint and its validation read).</summary>
    private static DynamicParameters WithSearchValues(ListRequest request, DynamicParameters parameters, SqlDialect dialect)
    {
        if (dialect.Provider == DatabaseProvider.Sqlite) return parameters;
        foreach (var filter in request.Collection.Filters.Where(f => f.Kind == FilterKind.Search))
        {
            if (request.Filters.TryGetValue(filter.Name, out var values)) parameters.Add(filter.Name, dialect.SearchValue(values[0]));
        }
        return parameters;
    }

    /// <summary>A full-text query FTS5 cannot parse ("unclosed, AND, stray operators) is the
    /// client's mistake: answer 400 naming the parameter before anything is streamed.</summary>
    private async Task<IResult?> CheckSearchAsync(DbConnection connection, ListRequest request, CancellationToken cancellationToken)
    {
        foreach (var filter in request.Collection.Filters)
        foreach (var table in filter.SearchTables)
        {
            if (!request.Filters.TryGetValue(filter.Name, out var values)) continue;
            if (await database.Dialect.SearchSyntaxErrorAsync(connection, table, values[0], cancellationToken) is { } reason)
            {
                return Problems.InvalidParameters(new Dictionary<string, string[]>
                {
                    [filter.Name] = [$"is not a valid search ({reason}). Use words, \"quoted phrases\", AND, OR, NOT, parentheses and prefix*; quote a word that is also an operator."],
                });
            }
        }
        return null;
    }

    // Read by property, not by constructor: a facet without labels has an all-NULL column, whose
    // type SQLite cannot name, and Dapper would refuse to match it to a constructor parameter.
    private sealed class FacetRow
    {
        public string? Value { get; init; }
        public string? Label { get; init; }
        public long Count { get; init; }
        public long Groups { get; init; }
        public long Items { get; init; }
    }

    /// <summary>The SQL that counts one facet's values over the whole filtered collection and returns
    /// the <see cref="ListRequest.FacetLimit"/> most frequent (count descending, then value), each row with
    /// the number of values and the sum of their counts over all of them. The counting reads the
    /// collection's own table (its covering indexes) and what the facet's value needs, never the joins that
    /// only add display columns; labels are looked up for the returned values only.</summary>
    public static (string Sql, DynamicParameters Parameters) FacetQuery(ListRequest request, Facet facet, string? pathValue, SqlDialect? dialect = null)
    {
        dialect ??= SqlDialect.Sqlite;
        var (conditions, parameters) = Conditions(request, pathValue);
        var topic = facet.Tally is null ? null : TalliedTopic(request, pathValue);
        // NULLS FIRST: SQLite's order for the unknown value, said so that PostgreSQL (which puts NULL last) keeps it.
        const string order = " ORDER BY listed.count DESC, listed.value NULLS FIRST";
        var label = facet.Label ?? "NULL";
        string sql;
        if (topic is not null)
        {
            // A topic's tallies are kept in the facet's order (ix_topic_tallies_rank): the listed values are the first rows of
            // that index, and the totals one pass over the topic's entries. The window below would have sorted all of them
            // first: 1.6 ms for a topic's ~3,900 voices instead of 0.28 (bench/PERF.md).
            parameters.Add("__topic", topic);
            sql = $"SELECT listed.value AS value, {label} AS label, listed.count AS count, totals.groups AS groups, totals.items AS items " +
                  $"FROM ({facet.Tally} ORDER BY {facet.TallyOrder} {SqlDialect.Limit(request.FacetLimit)}) listed, " +
                  $"(SELECT count(*) AS groups, sum(count) AS items FROM ({facet.Tally}) tallied) totals" + order;
        }
        else
        {
            var counted = $"SELECT {facet.Value} AS value, {facet.Count} AS count " +
                          $"FROM {request.Collection.CountFrom}{Joins(request)}{(facet.Join is null ? "" : " " + facet.Join)}" +
                          Where(conditions) +
                          " GROUP BY 1";
            sql = $"SELECT listed.value AS value, {label} AS label, listed.count AS count, listed.groups AS groups, listed.items AS items " +
                  $"FROM (SELECT value, count, count(*) OVER () AS groups, sum(count) OVER () AS items FROM ({counted}) counted " +
                  $"ORDER BY count DESC, value NULLS FIRST {SqlDialect.Limit(request.FacetLimit)}) listed" + order;
        }
        return (dialect.FullText(sql), WithSearchValues(request, parameters, dialect));
    }

    /// <summary>The topic whose tallies hold a facet's counts (<see cref="Facet.Tally"/>): the request's one topic when it
    /// filters by that alone, on the collection or in the path (a topic's stances); null otherwise.</summary>
    private static string? TalliedTopic(ListRequest request, string? pathValue) =>
        request.Collection.PathFilter is { } path
            ? path.Name == "topic" && request.Filters.Count == 0 ? pathValue : null
            : request.Filters.Count == 1 && request.Filters.TryGetValue("topic", out var topics) && topics.Length == 1 ? topics[0] : null;

    private static string Where(IEnumerable<string> conditions) =>
        conditions.Any() ? " WHERE " + string.Join(" AND ", conditions) : "";

    private static string Joins(ListRequest request, Filter? except = null) =>
        string.Concat(request.Collection.Filters.Where(f => f.Join is not null && f != except && request.Filters.ContainsKey(f.Name)).Select(f => " " + f.Join));

    /// <summary>The filter conditions of a request, with their values as parameters.</summary>
    public static (List<string> Conditions, DynamicParameters Parameters) Conditions(ListRequest request, string? pathValue)
    {
        var conditions = new List<string>();
        var parameters = new DynamicParameters();
        if (request.Collection.PathFilter is { } pathFilter)
        {
            conditions.Add(pathFilter.Condition);
            parameters.Add(pathFilter.Name, pathFilter.Repeatable ? new[] { pathValue } : pathValue);
        }
        foreach (var filter in request.Collection.Filters)
        {
            if (!request.Filters.TryGetValue(filter.Name, out var values)) continue;
            if (filter.Condition.Length > 0) conditions.Add(filter.Condition);
            // Repeatable filters are written `column IN @name`; Dapper expands the array into one
            // parameter per value.
            // A sequence is bound as the number it is (ListRequest checked it): PostgreSQL compares a bigint
            // with a bigint only, where SQLite would convert the text.
            parameters.Add(filter.Name, filter.Repeatable ? values : filter.Kind == FilterKind.Sequence ? long.Parse(values[0], System.Globalization.CultureInfo.InvariantCulture) : values[0]);
        }
        return (conditions, parameters);
    }

    private static string NextPageUrl(HttpRequest request, string cursor)
    {
        var query = request.Query
            .Where(q => q.Key != "cursor")
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new KeyValuePair<string, string?>("cursor", cursor));
        return QueryHelpers.AddQueryString($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}", query);
    }
}

/// <summary>What a list request comes to: a <see cref="Page"/> of items, or, when the request cannot be
/// answered with one, the <see cref="Answer"/> to send instead (a problem, or an export).</summary>
public sealed record Listing<TItem>(Page<TItem>? Page, IResult? Answer);
