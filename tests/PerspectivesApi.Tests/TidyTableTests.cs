using System.Net;
using System.Text.Json;
using Dapper;
using PerspectivesApi.Exports;

namespace PerspectivesApi.Tests;

/// <summary>The tidy tables (GET /v1/export/tables/{name}.csv|.ndjson|.parquet): listed with their columns, the
/// same columns in every format, every row of the archive, joinable by id, and equal to what the JSON API says.</summary>
public sealed class TidyTableTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private async Task<byte[]> ParquetAsync(string table)
    {
        using var response = await app.CreateClient().GetAsync($"/v1/export/tables/{table}.parquet");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apache.parquet", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task The_index_lists_every_table_with_its_files_and_columns()
    {
        var index = await app.GetJsonAsync("/v1/export/tables");
        var tables = index.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal(["articles", "authors", "outlets", "topics", "stances", "credits", "topic_summaries"], tables.Select(t => t.GetProperty("name").GetString()));
        foreach (var table in tables)
        {
            var name = table.GetProperty("name").GetString()!;
            var columns = table.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
            Assert.All(table.GetProperty("columns").EnumerateArray(), c => Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("description").GetString())));

            // The same columns, in the same order, in every format.
            var csv = await app.CreateClient().GetStringAsync(table.GetProperty("files").GetProperty("csv").GetString());
            Assert.Equal(columns, Tabular.ParseCsv(csv).Header);
            var (parquetColumns, _) = Tabular.ReadParquet(await ParquetAsync(name));
            Assert.Equal(columns, parquetColumns.Select(c => c.Name));
            var types = table.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString());
            foreach (var (column, type) in parquetColumns)
                Assert.Equal(types[column] switch { "integer" => "BIGINT", "real" => "DOUBLE", "boolean" => "BOOLEAN", "date" => "DATE", _ => "VARCHAR" }, type);
            var ndjson = await app.CreateClient().GetStringAsync(table.GetProperty("files").GetProperty("ndjson").GetString());
            var first = JsonDocument.Parse(ndjson.Split('\n')[0]).RootElement;
            Assert.Equal(columns, first.EnumerateObject().Select(p => p.Name));
        }
    }

    [Theory]
    [InlineData("articles", "SELECT count(*) FROM articles")]
    [InlineData("authors", "SELECT count(*) FROM authors")]
    [InlineData("outlets", "SELECT count(*) FROM outlets")]
    [InlineData("topics", "SELECT count(*) FROM topics")]
    [InlineData("stances", "SELECT count(*) FROM stances")]
    [InlineData("credits", "SELECT count(*) FROM credits")]
    [InlineData("topic_summaries", "SELECT 4 * count(*) FROM topic_tallies WHERE total > 0")]
    public async Task Each_table_holds_every_row_and_limit_takes_the_first(string table, string count)
    {
        await using var connection = await app.OpenAsync();
        var expected = await connection.ExecuteScalarAsync<long>(count);
        var (_, rows) = Tabular.ReadParquet(await ParquetAsync(table));
        Assert.Equal(expected, rows.Count);

        var (_, sample) = Tabular.ParseCsv(await app.CreateClient().GetStringAsync($"/v1/export/tables/{table}.csv?limit=3"));
        Assert.Equal(3, sample.Count);
        var (_, all) = Tabular.ParseCsv(await app.CreateClient().GetStringAsync($"/v1/export/tables/{table}.csv"));
        Assert.Equal(all.Take(3).Select(r => string.Join("|", r.Values)), sample.Select(r => string.Join("|", r.Values)));
    }

    /// <summary>The tables join by id, as a data scientist joins them, in DuckDB over the Parquet files.</summary>
    [Fact]
    public async Task The_tables_join_by_id()
    {
        var files = new Dictionary<string, byte[]>();
        foreach (var table in TidyTables.All) files[table.Name] = await ParquetAsync(table.Name);
        long Count(string sql) => Convert.ToInt64(Tabular.QueryParquet(files, sql).Single()[0]);

        Assert.Equal(0, Count("SELECT count(*) FROM stances WHERE article_id NOT IN (SELECT id FROM articles)"));
        Assert.Equal(0, Count("SELECT count(*) FROM stances WHERE topic_id NOT IN (SELECT id FROM topics)"));
        Assert.Equal(0, Count("SELECT count(*) FROM stances WHERE author_id IS NOT NULL AND author_id NOT IN (SELECT id FROM authors)"));
        Assert.Equal(0, Count("SELECT count(*) FROM stances WHERE attribution_via_id IS NOT NULL AND attribution_via_id NOT IN (SELECT id FROM authors)"));
        Assert.Equal(0, Count("SELECT count(*) FROM credits WHERE author_id NOT IN (SELECT id FROM authors)"));
        Assert.Equal(0, Count("SELECT count(*) FROM credits WHERE article_id NOT IN (SELECT id FROM articles)"));
        Assert.Equal(0, Count("SELECT count(*) FROM articles WHERE outlet_id IS NOT NULL AND outlet_id NOT IN (SELECT id FROM outlets)"));
        Assert.Equal(0, Count("SELECT count(*) FROM topic_summaries WHERE topic_id NOT IN (SELECT id FROM topics)"));
        // What a join answers equals what the API answers: Ismailov's stances, through credits and stances.
        var ismailov = (await app.GetJsonAsync("/v1/authors/aslan-ismailov")).GetProperty("stanceCount").GetInt64();
        Assert.Equal(ismailov, Count("SELECT count(*) FROM stances s JOIN authors a ON a.id = s.author_id WHERE a.name = 'Aslan Ismailov'"));
        Assert.Equal(2, Count("SELECT count(*) FROM credits c JOIN authors a ON a.id = c.author_id JOIN articles x ON x.id = c.article_id WHERE x.id = 'point-of-no-return-aslan-ismailov'"));
    }

    /// <summary>The tidy stances, parsed by CsvHelper, say what the JSON stances say, with the period's days.</summary>
    [Fact]
    public async Task Tidy_stances_equal_the_json_stances()
    {
        var (_, rows) = Tabular.ParseCsv(await app.CreateClient().GetStringAsync("/v1/export/tables/stances.csv"));
        var json = (await app.GetJsonAsync("/v1/stances?limit=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(json.Select(s => s.GetProperty("id").GetString()), rows.Select(r => (string?)r["id"]));
        foreach (var (stance, row) in json.Zip(rows))
        {
            Assert.Equal(stance.GetProperty("topic").GetProperty("id").GetString(), row["topic_id"]);
            Assert.Equal(stance.GetProperty("article").GetProperty("id").GetString(), row["article_id"]);
            Assert.Equal(stance.GetProperty("author").ValueKind == JsonValueKind.Null ? "" : stance.GetProperty("author").GetProperty("id").GetString(), row["author_id"]);
            Assert.Equal(stance.GetProperty("quote").GetProperty("text").GetString(), row["quote"]);
            Assert.Equal(stance.GetProperty("quote").GetProperty("start").GetInt32().ToString(), row["quote_start"]);
            Assert.Equal(stance.GetProperty("condition").ValueKind == JsonValueKind.Null ? "false" : "true", row["conditional"]);
            var held = stance.GetProperty("heldAt");
            if (held.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal("", row["held_first_day"]);
                continue;
            }
            var (first, last) = Tabular.Period(held.GetProperty("date").GetString()!, held.GetProperty("precision").GetString()!);
            Assert.Equal(first.ToString("yyyy-MM-dd"), row["held_first_day"]);
            Assert.Equal(last.ToString("yyyy-MM-dd"), row["held_last_day"]);
        }
    }

    /// <summary>The long table of the topic summaries has exactly the counts of the summary documents.</summary>
    [Fact]
    public async Task The_summary_long_table_equals_the_summary_json()
    {
        var summaries = (await app.GetJsonAsync("/v1/topics/summary")).GetProperty("items").EnumerateArray().ToList();
        var expected = new List<string>();
        foreach (var summary in summaries)
        {
            var topic = summary.GetProperty("topic").GetProperty("id").GetString();
            void Add(string dimension, string? group, string? name, JsonElement positions)
            {
                foreach (var position in new[] { "supports", "opposes", "mixed", "neutral" })
                    expected.Add($"{topic}|{dimension}|{group}|{name}|{position}|{positions.GetProperty(position).GetInt64()}");
            }
            Assert.Equal(JsonValueKind.Null, summary.GetProperty("otherOutlets").ValueKind); // all listed, at this size
            Add("all", null, null, summary.GetProperty("positions"));
            foreach (var g in summary.GetProperty("byOutlet").EnumerateArray())
                Add("outlet", g.GetProperty("outlet").ValueKind == JsonValueKind.Null ? null : g.GetProperty("outlet").GetProperty("id").GetString(),
                    g.GetProperty("outlet").ValueKind == JsonValueKind.Null ? null : g.GetProperty("outlet").GetProperty("name").GetString(), g.GetProperty("positions"));
            foreach (var g in summary.GetProperty("byAuthor").EnumerateArray())
                Add("author", g.GetProperty("author").ValueKind == JsonValueKind.Null ? null : g.GetProperty("author").GetProperty("id").GetString(),
                    g.GetProperty("author").ValueKind == JsonValueKind.Null ? null : g.GetProperty("author").GetProperty("name").GetString(), g.GetProperty("positions"));
            foreach (var (dimension, list, key) in new[] { ("month", "byMonth", "month"), ("held_year", "byHeldYear", "year"), ("held_month", "byHeldMonth", "month"),
                         ("voice_kind", "byVoiceKind", "voiceKind"), ("attribution", "byAttribution", "attribution") })
                foreach (var g in summary.GetProperty(list).EnumerateArray())
                    Add(dimension, g.GetProperty(key).GetString(), null, g.GetProperty("positions"));
        }

        static List<string> Lines(List<Dictionary<string, object?>> rows) => rows.Select(r =>
            $"{r["topic_id"]}|{r["dimension"]}|{r["group_value"]}|{r["group_name"]}|{r["position"]}|{r["count"]}").Order().ToList();

        var (_, table) = Tabular.ParseCsv(await app.CreateClient().GetStringAsync("/v1/export/tables/topic_summaries.csv"));
        Assert.Equal(expected.Order(), Lines(table));
        var (_, all) = Tabular.ParseCsv(await app.CreateClient().GetStringAsync("/v1/topics/summary?format=csv"));
        Assert.Equal(expected.Order(), Lines(all));

        // One topic's summary as CSV: its own rows.
        const string Rift = "baku-moscow-rift-is-permanent";
        var (_, one) = Tabular.ParseCsv(await app.CreateClient().GetStringAsync($"/v1/topics/{Rift}/summary?format=csv"));
        Assert.Equal(expected.Where(e => e.StartsWith(Rift + "|")).Order(), Lines(one));
        var (_, parquet) = Tabular.ReadParquet(await (await app.CreateClient().GetAsync($"/v1/topics/{Rift}/summary?format=parquet")).Content.ReadAsByteArrayAsync());
        Assert.Equal(Lines(one), Lines(parquet.Select(r => r.ToDictionary(p => p.Key, p => (object?)Tabular.Text(p.Value))).ToList()));
    }

    [Theory]
    [InlineData("/v1/export/tables/stances.csv?limit=0", "limit")]
    [InlineData("/v1/export/tables/stances.csv?limit=101", "limit")]
    [InlineData("/v1/export/tables/stances.parquet?sort=id", "sort")]
    [InlineData("/v1/topics/summary?format=xml", "format")]
    [InlineData("/v1/topics/baku-moscow-rift-is-permanent/summary?limit=5", "limit")]
    public async Task Bad_parameters_are_400_problems_naming_them(string url, string parameter)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, parameter);
    }

    [Theory]
    [InlineData("/v1/export/tables/votes.csv")]
    [InlineData("/v1/export/tables/stances.xlsx")]
    [InlineData("/v1/export/tables/stances")]
    [InlineData("/v1/topics/no-such-topic/summary?format=csv")]
    public async Task What_does_not_exist_is_a_404_problem(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.IsProblemAsync(response, 404);
    }

    [Fact]
    public async Task A_summary_negotiates_its_format_from_accept()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/topics/summary");
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await app.CreateClient().SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var html = new HttpRequestMessage(HttpMethod.Get, "/v1/topics/summary");
        html.Headers.Accept.ParseAdd("text/html");
        await ProblemAssert.IsProblemAsync(await app.CreateClient().SendAsync(html), 406);
    }
}
