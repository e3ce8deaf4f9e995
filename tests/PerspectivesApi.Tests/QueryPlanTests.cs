using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PerspectivesApi.Articles;
using PerspectivesApi.Authors;
using PerspectivesApi.Http;
using PerspectivesApi.Outlets;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Tests;

/// <summary>Every list query the API can run, with each filter, each sort both ways, and a cursor,
/// is answered through an index: no plan step is a full table scan.</summary>
public sealed partial class QueryPlanTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    public static TheoryData<string> Collections => new(CollectionsByName.Keys);

    private static readonly Dictionary<string, Collection> CollectionsByName = new[]
    {
        ArticleQueries.Collection, ArticleQueries.OfOutlet, ArticleQueries.OfAuthor,
        AuthorQueries.Collection, OutletQueries.Collection, TopicQueries.Collection,
        StanceQueries.Collection, StanceQueries.OfTopic, StanceQueries.OfArticle, StanceQueries.OfAuthor,
    }.ToDictionary(c => c.Name);

    // "SCAN t" with no index is a full table scan. "SCAN t USING INDEX …" walks an index in order,
    // which is what a keyset page does; "SEARCH" seeks. "SCAN page" reads the page's own ids (at most
    // limit + 1 rows) in the second step of a two-step page read: not a table; nor does "SCAN listed",
    // a facet's listed values (at most facetLimit rows), whose labels are looked up, or "SCAN counted", the
    // facet's values already counted from an index (the derived table is named for PostgreSQL 15, which
    // requires it), or "SCAN tallied" and "SCAN totals", a topic's tallies already sought by key and their two sums;
    // nor "SCAN articles_fts" without VIRTUAL TABLE: relevance's bounded set of matches
    // (at most Sort.RankedMatches rows).
    [GeneratedRegex(@"^SCAN (?!page$|listed$|counted$|tallied$|totals$|\w+_fts$)(?<table>\w+)$")]
    private static partial Regex FullScan();

    [Theory, MemberData(nameof(Collections))]
    public async Task No_list_query_scans_a_whole_table(string name)
    {
        var collection = CollectionsByName[name];
        var codec = new CursorCodec(new byte[32]);
        var pathValue = collection.PathFilter?.Example;

        var filterSets = new List<Dictionary<string, StringValues>> { new() };
        filterSets.AddRange(collection.Filters.Select(f => new Dictionary<string, StringValues> { [f.Name] = f.Example }));
        filterSets.Add(collection.Filters.ToDictionary(f => f.Name, f => new StringValues(f.Example)));
        // Repeated values (IN lists) as well as single ones.
        filterSets.AddRange(collection.Filters.Where(f => f.Repeatable).Select(f => new Dictionary<string, StringValues> { [f.Name] = new[] { f.Example, AnotherValue(f) } }));

        var checkedPlans = 0;
        await using var connection = await app.OpenAsync();
        foreach (var filters in filterSets)
        foreach (var sort in collection.Sorts.Where(s => s.Requires is null || filters.ContainsKey(s.Requires)).SelectMany(s => new[] { s.Name, "-" + s.Name }))
        foreach (var withCursor in new[] { false, true })
        {
            var query = new Dictionary<string, StringValues>(filters) { ["sort"] = sort };
            var request = ListRequest.Parse(new QueryCollection(query), collection, pathValue, codec, out var errors);
            Assert.Empty(errors);
            if (withCursor)
            {
                // A key of the sort's type, as the archive's own cursors have: relevance's is a rank, and its tie-breaker a rowid.
                var relevance = request.Sort.TieBreak is not null;
                query["cursor"] = codec.Encode(new Cursor(request.QueryFingerprint, relevance ? -1.5 : "2025-07-01", relevance ? 42L : "some-id"));
                request = ListRequest.Parse(new QueryCollection(query), collection, pathValue, codec, out errors);
                Assert.Empty(errors);
            }

            if (app.Postgres is not null)
            {
                // PostgreSQL's planner reads a table of five rows whole because it is cheaper; asked not to scan
                // (enable_seqscan off), it still must when no index serves the query. So: no sequential scan of a table.
                var dialect = PerspectivesApi.Data.SqlDialect.Of(connection);
                var (pgSql, pgParameters) = CollectionReader.PageQuery(request, pathValue, dialect);
                var described = $"{name} ?{string.Join("&", query.Select(q => $"{q.Key}={q.Value}"))}\n{pgSql}";
                await AssertNoSequentialScanAsync(connection, pgSql, pgParameters, described);
                foreach (var facet in collection.Facets)
                {
                    var (facetSql, facetParameters) = CollectionReader.FacetQuery(request, facet, pathValue, dialect);
                    await AssertNoSequentialScanAsync(connection, facetSql, facetParameters, $"facet {facet.Name}: {described}", allowed: filters.Count == 0);
                }
                var (pgCountSql, pgCountParameters) = CollectionReader.CountQuery(request, pathValue, dialect);
                await AssertNoSequentialScanAsync(connection, pgCountSql, pgCountParameters, $"count: {described}", allowed: filters.Count == 0);
                checkedPlans++;
                continue;
            }
            var (sql, parameters) = CollectionReader.PageQuery(request, pathValue);
            var plan = await PlanAsync(connection, sql, parameters);
            var description = $"{name} ?{string.Join("&", query.Select(q => $"{q.Key}={q.Value}"))}\n{sql}\n{string.Join("\n", plan)}";
            Assert.False(plan.Any(step => FullScan().IsMatch(step)), description);
            // With an equality filter the collection's own table must be sought through that filter's
            // index, not walked in sort order and checked row by row (a full scan in an index's clothes).
            // Date ranges are the exception: with a sort on another column, no one index serves both,
            // and SQLite walks the sort's index, stopping once the page is full.
            var alias = collection.IdColumn.Split('.')[0];
            if (filters.Keys.Any(k => !DateRanges.Contains(k)))
                Assert.False(plan.Any(step => step == $"SCAN {alias}" || step.StartsWith($"SCAN {alias} ")), "filtered but scanned: " + description);
            if (filters.Keys.Any(k => !DateRanges.Contains(k)) && !withCursor && sort == collection.Sorts[0].Name)
            {
                // Facets count the filtered set: with an equality filter they too must seek, not scan.
                foreach (var facet in collection.Facets)
                {
                    var (facetSql, facetParameters) = CollectionReader.FacetQuery(request, facet, pathValue);
                    var facetPlan = await PlanAsync(connection, facetSql, facetParameters);
                    Assert.False(facetPlan.Any(step => FullScan().IsMatch(step) || step == $"SCAN {alias}" || step.StartsWith($"SCAN {alias} ")),
                        $"facet {facet.Name}: {description}\n{string.Join("\n", facetPlan)}");
                }
            }
            if (filters.Count > 0)
            {
                var (countSql, countParameters) = CollectionReader.CountQuery(request, pathValue);
                var countPlan = await PlanAsync(connection, countSql, countParameters);
                Assert.False(countPlan.Any(step => FullScan().IsMatch(step)), $"count: {description}\n{string.Join("\n", countPlan)}");
            }
            checkedPlans++;
        }
        Assert.True(checkedPlans >= 8);
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Fact]
    public async Task A_filtered_article_page_seeks_the_outlet_index_in_sort_order()
    {
        // The plan for an outlet's newest articles must not sort in a temporary B-tree: the
        // (outlet_id, published_key, id) index delivers rows in order, so a page reads ~limit rows.
        var codec = new CursorCodec(new byte[32]);
        var request = ListRequest.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["outlet"] = "georgia-today" }),
            ArticleQueries.Collection, null, codec, out _);
        var (sql, parameters) = CollectionReader.PageQuery(request, null);
        await using var connection = await app.OpenAsync();
        var plan = await PlanAsync(connection, sql, parameters);
        Assert.Contains(plan, step => step.Contains("USING INDEX ix_articles_outlet"));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE FOR ORDER BY"));
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Fact]
    public async Task A_whole_stance_export_streams_in_id_order_at_the_size_of_a_million_articles()
    {
        // The planner's statistics of the generated million-article archive (sqlite_stat1, as ANALYZE left them
        // there), so that it plans as it would on that file: a plan that starts from the topics and sorts every
        // stance (a temporary B-tree) sends no row of a 3-million-row export within the read budget.
        var codec = new CursorCodec(new byte[32]);
        var request = ListRequest.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["format"] = "csv" }),
            StanceQueries.Collection, null, codec, out var errors);
        Assert.Empty(errors);
        var (sql, parameters) = CollectionReader.ExportQuery(request, null);
        using var app = new ArchiveApp();
        await using var connection = await app.OpenAsync();
        await connection.ExecuteAsync("ANALYZE; " + MillionArticleStatistics);
        var plan = await PlanAsync(connection, sql, parameters);
        Assert.StartsWith("SCAN s", plan[0]);
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE FOR ORDER BY"));
    }

    /// <summary>The statistics ANALYZE wrote for the million-article archive the benchmark measures (bench/run.sh), for
    /// the tables and indexes a stance's page and export read: planned with these, a query plans as it would on that file.</summary>
    private const string MillionArticleStatistics = """
        DELETE FROM sqlite_stat1;
        INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
          ('stances', 'sqlite_autoindex_stances_1', '3000653 1'), ('stances', 'ix_stances_topic', '3000653 10003 1'),
          ('stances', 'ix_stances_topic_held', '3000653 10003 4 1'), ('stances', 'ix_stances_author_held', '3000653 750 4 1'),
          ('stances', 'ix_stances_article', '3000653 4 1'), ('stances', 'ix_stances_position', '3000653 750164 1'),
          ('stances', 'ix_stances_topic_article', '3000653 10003 1 1'), ('stances', 'ix_stances_topic_author', '3000653 10003 3 2'),
          ('topics', 'sqlite_autoindex_topics_1', '300 1'), ('topics', 'ix_topics_title', '300 1 1'),
          ('articles', 'sqlite_autoindex_articles_1', '1000000 1'), ('articles', 'ix_articles_card', '1000000 1 1 1 1 1 1 1'),
          ('articles', 'ix_articles_outlet', '1000000 2494 2 1'),
          ('outlets', 'sqlite_autoindex_outlets_1', '400 1'), ('authors', 'sqlite_autoindex_authors_1', '4000 1');
        ANALYZE sqlite_schema;
        """;

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_page_of_a_topics_stances_reads_each_articles_card_from_one_covering_index(bool millionArticleStatistics)
    {
        // Each stance carries its article's title, outlet and date. From ix_articles_card that is one seek;
        // through any other index it is a second seek into the articles table, a page per three or four
        // articles (migration 0010). SQLite chooses it once it has statistics (without any, it prefers the unique
        // id index): planned on the seed archive analyzed, and with the statistics of the million-article archive
        // the benchmark measures (which `generate` analyzes).
        var codec = new CursorCodec(new byte[32]);
        var request = ListRequest.Parse(new QueryCollection(new Dictionary<string, StringValues>()),
            StanceQueries.OfTopic, "baku-moscow-rift-is-permanent", codec, out var errors);
        Assert.Empty(errors);
        var (sql, parameters) = CollectionReader.PageQuery(request, "baku-moscow-rift-is-permanent");
        using var archive = new ArchiveApp();
        await using var connection = await archive.OpenAsync();
        await connection.ExecuteAsync("ANALYZE");
        if (millionArticleStatistics) await connection.ExecuteAsync(MillionArticleStatistics);
        var plan = await PlanAsync(connection, sql, parameters);
        Assert.Contains("SEARCH a USING COVERING INDEX ix_articles_card (id=?)", plan);
        // The page's stances are chosen from the topic's index entries alone, in id order (no sort, no join to their
        // topic or article), then found again by rowid: one seek in the table, not one in the id index and one in the table.
        Assert.Contains("SEARCH s USING COVERING INDEX ix_stances_topic (topic_id=?)", plan);
        Assert.Contains("SEARCH s USING INTEGER PRIMARY KEY (rowid=?)", plan);
        Assert.DoesNotContain(plan, step => step.Contains("sqlite_autoindex_stances_1"));
        Assert.DoesNotContain(plan, step => step.Contains("LAST TERM OF ORDER BY") || step.Contains("RIGHT PART OF ORDER BY"));
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Fact]
    public async Task Search_reads_both_full_text_indexes_and_no_table_in_full()
    {
        var codec = new CursorCodec(new byte[32]);
        var request = ListRequest.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["q"] = "Russia" }),
            PerspectivesApi.Search.SearchQueries.Collection, null, codec, out var errors);
        Assert.Empty(errors);
        var (sql, parameters) = CollectionReader.PageQuery(request, null);
        await using var connection = await app.OpenAsync();
        var plan = await PlanAsync(connection, sql, parameters);
        var all = string.Join("\n", plan);
        Assert.Contains(plan, step => step.StartsWith("SCAN articles_fts VIRTUAL TABLE INDEX"));
        Assert.Contains(plan, step => step.StartsWith("SCAN stances_fts VIRTUAL TABLE INDEX"));
        foreach (var table in new[] { "a", "s", "t" })
            Assert.False(plan.Any(step => step == $"SCAN {table}" || step.StartsWith($"SCAN {table} ")), all);
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Fact]
    public async Task Topic_summaries_read_a_range_of_their_tallies()
    {
        await using var connection = await app.OpenAsync();
        foreach (var sql in PerspectivesApi.Topics.TopicSummaryQueries.TallyQueries)
        {
            var plan = (await connection.QueryAsync<(long, long, long, string Detail)>("EXPLAIN QUERY PLAN " + sql,
                new { topic = "baku-moscow-rift-is-permanent", limit = 50, dimension = "author" })).Select(r => r.Detail).ToList();
            var all = string.Join("\n", plan);
            Assert.True(plan.Any(step => step.StartsWith("SEARCH t USING") || step.StartsWith("SEARCH topic_tallies USING")), all);
            Assert.DoesNotContain("TEMP B-TREE", all); // the top voices come in index order, not sorted
            Assert.False(plan.Any(step => FullScan().IsMatch(step)), all);
        }
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Fact]
    public async Task Tally_triggers_find_a_stances_groups_through_indexes()
    {
        // What the triggers of 0006_topic_tallies.sql read on every write to a stance or an article,
        // taken from the triggers themselves. A scan here made one write take 15 s on a million articles.
        await using var connection = await app.OpenAsync();
        var triggers = (await connection.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%tally%'")).ToList();
        Assert.Equal(9, triggers.Count);
        var reads = triggers.SelectMany(t => Regex.Matches(t.Sql, @"FROM (?<source>stance_tally_groups|stances)\s+WHERE (?<where>.+?)(\s+GROUP BY|;)", RegexOptions.Singleline)
            .Select(m => (t.Name, Source: m.Groups["source"].Value, Where: m.Groups["where"].Value))).ToList();
        Assert.Contains(reads, r => r.Source == "stance_tally_groups");
        Assert.Contains(reads, r => r.Source == "stances");
        foreach (var (name, source, where) in reads)
        {
            // Trigger values become literals: an id, and every scope of a move.
            foreach (var scope in new[] { "'stance'", "'article'", "'voice'" })
            {
                var literal = Regex.Replace(Regex.Replace(where, @"\bNEW\.scope\b", scope), @"\b(OLD|NEW)\.\w+\b", "'some-id'");
                var plan = (await connection.QueryAsync<(long, long, long, string Detail)>($"EXPLAIN QUERY PLAN SELECT * FROM {source} WHERE {literal}"))
                    .Select(r => r.Detail).ToList();
                var all = string.Join("\n", plan);
                Assert.Contains(plan, step => step.StartsWith("SEARCH"));
                // Scanning the view's own rows (SCAN stance_tally_groups) is fine; scanning a table is not.
                Assert.False(plan.Any(step => Regex.IsMatch(step, "^SCAN (s|a|stances)( |$)")), $"{name}:\n{all}");
            }
        }
    }

    private static readonly string[] DateRanges = ["from", "to", "heldFrom", "heldTo"];

    public static TheoryData<string, string, string> StanceFilterIndexes => new()
    {
        // the filter, a value, the index its plan must seek (the stances it keeps are in that index's order)
        { "voiceKind", "institution", "ix_authors_kind" },
        { "attribution", "reported", "ix_stances_attribution" },
        { "via", "aslan-ismailov", "ix_stances_via" },
        { "method", "curated", "ix_stances_method" },
        { "curator", "seed-corpus", "ix_stances_curator" },
        { "confidence", "medium", "ix_stances_confidence" },
        { "conditional", "true", "ix_stances_conditional" },
    };

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Theory, MemberData(nameof(StanceFilterIndexes))]
    public async Task Each_stance_filter_seeks_its_own_index_in_the_page_the_count_and_the_facets(string filter, string value, string index)
    {
        var codec = new CursorCodec(new byte[32]);
        var request = ListRequest.Parse(new QueryCollection(new Dictionary<string, StringValues> { [filter] = value }), StanceQueries.Collection, null, codec, out var errors);
        Assert.Empty(errors);
        await using var connection = await app.OpenAsync();
        var queries = new List<(string, DynamicParameters)> { CollectionReader.PageQuery(request, null), CollectionReader.CountQuery(request, null) };
        queries.AddRange(StanceQueries.Collection.Facets.Where(f => f.Name is "heldYear" or "voiceKind" or "attribution").Select(f => CollectionReader.FacetQuery(request, f, null)));
        foreach (var (sql, parameters) in queries)
        {
            var plan = await PlanAsync(connection, sql, parameters);
            Assert.True(plan.Any(step => step.StartsWith("SEARCH") && step.Contains($"INDEX {index} ")), $"{filter}={value} does not seek {index}:\n{sql}\n{string.Join("\n", plan)}");
            Assert.False(plan.Any(step => step == "SCAN s" || step.StartsWith("SCAN s ")), string.Join("\n", plan));
        }
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Theory]
    [InlineData("position", 0)]
    [InlineData("author", 1)]
    [InlineData("outlet", 1)]
    public async Task A_topic_facet_with_tallies_reads_them_by_key_and_no_stance(string facetName, int labelLookups)
    {
        var codec = new CursorCodec(new byte[32]);
        foreach (var (collection, query, pathValue) in new (Collection, Dictionary<string, StringValues>, string?)[]
                 {
                     (StanceQueries.Collection, new() { ["topic"] = "baku-moscow-rift-is-permanent", ["facet"] = facetName }, null),
                     (StanceQueries.OfTopic, new() { ["facet"] = facetName }, "baku-moscow-rift-is-permanent"),
                 })
        {
            var request = ListRequest.Parse(new QueryCollection(query), collection, pathValue, codec, out var errors);
            Assert.Empty(errors);
            var (sql, parameters) = CollectionReader.FacetQuery(request, request.Facets.Single(), pathValue);
            await using var connection = await app.OpenAsync();
            var plan = await PlanAsync(connection, sql, parameters);
            var description = $"{sql}\n{string.Join("\n", plan)}";
            Assert.All(plan.Where(step => step.StartsWith("SEARCH ") || step.StartsWith("SCAN ")), step => Assert.True(
                step.StartsWith("SEARCH topic_tallies USING ") && step.Contains("(topic_id=? AND dimension=?") || step.StartsWith("SCAN (subquery") ||
                step is "SCAN listed" or "SCAN totals" or "SCAN tallied" or "SCAN CONSTANT ROW" || step.Contains("USING INDEX sqlite_autoindex_"), $"{step}: {description}"));
            Assert.Contains(plan, step => step.StartsWith("SEARCH topic_tallies"));
            // The listed values are the first entries of the index, in its order: nothing sorts the topic's tallies (the
            // outer ORDER BY sorts the listed rows only).
            var facet = request.Facets.Single();
            var listed = await PlanAsync(connection, $"{facet.Tally} ORDER BY {facet.TallyOrder} LIMIT 30", parameters);
            Assert.DoesNotContain(listed, step => step.StartsWith("USE TEMP B-TREE"));
            Assert.Equal(labelLookups, plan.Count(step => step.StartsWith("CORRELATED SCALAR SUBQUERY")));
        }
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Theory]
    [InlineData("article", "ix_stances_topic_article")]
    public async Task A_topic_facet_counts_index_entries_only_and_looks_up_labels_for_the_returned_values(string facetName, string index)
    {
        // A topic's stances by article (no tallies): counted in a covering index of (topic_id, …), never reading
        // a stance's row, its article or its voice; the labels are one lookup per returned value.
        var codec = new CursorCodec(new byte[32]);
        foreach (var (collection, query, pathValue) in new (Collection, Dictionary<string, StringValues>, string?)[]
                 {
                     (StanceQueries.Collection, new() { ["topic"] = "baku-moscow-rift-is-permanent", ["facet"] = facetName }, null),
                     (StanceQueries.OfTopic, new() { ["facet"] = facetName }, "baku-moscow-rift-is-permanent"),
                 })
        {
            var request = ListRequest.Parse(new QueryCollection(query), collection, pathValue, codec, out var errors);
            Assert.Empty(errors);
            var (sql, parameters) = CollectionReader.FacetQuery(request, request.Facets.Single(), pathValue);
            await using var connection = await app.OpenAsync();
            var plan = await PlanAsync(connection, sql, parameters);
            var description = $"{sql}\n{string.Join("\n", plan)}";
            Assert.Contains(plan, step => step.StartsWith($"SEARCH s USING COVERING INDEX {index}") && step.EndsWith("(topic_id=?)"));
            // Every other table is read only by a label's correlated lookup, by its primary key.
            Assert.All(plan.Where(step => step.StartsWith("SEARCH ") || step.StartsWith("SCAN ")).Where(step => !step.StartsWith("SEARCH s ")),
                step => Assert.True(step.StartsWith("SCAN (subquery") || step == "SCAN listed" || step == "SCAN counted" || step.Contains("USING INDEX sqlite_autoindex_"), $"{step}: {description}"));
            Assert.Equal(1, plan.Count(step => step.StartsWith("CORRELATED SCALAR SUBQUERY")));
        }
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Fact]
    public async Task Voices_of_a_kind_are_read_from_the_kind_index_in_name_order()
    {
        var codec = new CursorCodec(new byte[32]);
        var request = ListRequest.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["kind"] = new[] { "institution", "group" } }),
            AuthorQueries.Collection, null, codec, out var errors);
        Assert.Empty(errors);
        var (sql, parameters) = CollectionReader.PageQuery(request, null);
        await using var connection = await app.OpenAsync();
        var plan = await PlanAsync(connection, sql, parameters);
        Assert.Contains(plan, step => step.StartsWith("SEARCH au USING") && step.Contains("ix_authors_kind"));
    }

    [Trait("Engine", "Sqlite")] // SQLite's planner: EXPLAIN QUERY PLAN
    [Theory]
    [InlineData("heldFrom", "2025-01-01")]
    [InlineData("heldTo", "2022-12-31")]
    public async Task Positions_held_in_a_range_are_read_from_the_held_index_in_order(string filter, string value)
    {
        // Sorted by the time held, a range of it is one seek in ix_stances_held, in order: no sorting, no scan.
        var codec = new CursorCodec(new byte[32]);
        var request = ListRequest.Parse(new QueryCollection(new Dictionary<string, StringValues> { [filter] = value, ["sort"] = "held" }),
            StanceQueries.Collection, null, codec, out var errors);
        Assert.Empty(errors);
        var (sql, parameters) = CollectionReader.PageQuery(request, null);
        await using var connection = await app.OpenAsync();
        var plan = await PlanAsync(connection, sql, parameters);
        Assert.Contains(plan, step => step.StartsWith("SEARCH s USING INDEX ix_stances_held"));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE FOR ORDER BY"));
        var (countSql, countParameters) = CollectionReader.CountQuery(request, null);
        Assert.Contains(await PlanAsync(connection, countSql, countParameters), step => step.Contains("ix_stances_held"));
    }

    private static string AnotherValue(Filter filter) => filter.Kind switch
    {
        FilterKind.Choice => filter.Choices!.First(c => c != filter.Example),
        FilterKind.Country => "DE",
        _ => filter.Example + "x",
    };

    /// <summary>PostgreSQL's plan of <paramref name="sql"/> reads no table sequentially (unless <paramref name="allowed"/>:
    /// counting a whole unfiltered collection reads all of it, as SQLite's does).</summary>
    private static async Task AssertNoSequentialScanAsync(System.Data.Common.DbConnection connection, string sql, DynamicParameters parameters, string description, bool allowed = false)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SET LOCAL enable_seqscan = off", transaction: transaction);
        var json = await connection.ExecuteScalarAsync<string>("EXPLAIN (FORMAT JSON) " + sql, parameters, transaction);
        var scans = new List<string>();
        void Walk(System.Text.Json.JsonElement node)
        {
            if (node.GetProperty("Node Type").GetString() == "Seq Scan") scans.Add(node.GetProperty("Relation Name").GetString()!);
            if (node.TryGetProperty("Plans", out var children)) foreach (var child in children.EnumerateArray()) Walk(child);
        }
        Walk(System.Text.Json.JsonDocument.Parse(json!).RootElement[0].GetProperty("Plan"));
        if (!allowed) Assert.True(scans.Count == 0, $"sequential scan of {string.Join(", ", scans)}: {description}\n{json}");
    }

    private static async Task<List<string>> PlanAsync(System.Data.Common.DbConnection connection, string sql, DynamicParameters parameters) =>
        (await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>("EXPLAIN QUERY PLAN " + sql, parameters))
            .Select(r => r.Detail).ToList();
}
