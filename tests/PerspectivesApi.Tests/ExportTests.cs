using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CsvHelper;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>Every collection streams its whole filtered result as CSV, NDJSON or Parquet, in the same rows and
/// order as its paginated JSON, each item flattened into one row of typed columns.</summary>
public sealed class ExportTests(ArchiveWithManyRows app) : IClassFixture<ArchiveWithManyRows>
{
    public static TheoryData<string> Lists => new()
    {
        "/v1/articles", "/v1/articles?language=en&sort=title", "/v1/outlets/outlet-001/articles",
        "/v1/authors", "/v1/outlets", "/v1/topics", "/v1/stances?position=supports", "/v1/topics/topic-001/stances",
        "/v1/search?q=generated", "/v1/articles?q=generated",
    };

    /// <summary>Every item of a list, by walking its JSON pages.</summary>
    private async Task<List<JsonElement>> WalkAsync(string url)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await app.GetJsonAsync(url + (url.Contains('?') ? "&" : "?") + "limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.NullableString("nextCursor");
        } while (cursor is not null);
        return items;
    }

    private static string With(string url, string parameter) => url + (url.Contains('?') ? "&" : "?") + parameter;

    [Theory, MemberData(nameof(Lists))]
    public async Task Ndjson_export_is_the_paginated_list_one_flat_item_a_line(string url)
    {
        var expected = await WalkAsync(url);
        using var response = await app.CreateClient().GetAsync(With(url, "format=ndjson"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Equal("", lines[^1]); // every line ends with \n
        Assert.Equal(expected.Count, lines.Length - 1);
        List<string>? keys = null;
        for (var i = 0; i < expected.Count; i++)
        {
            var line = JsonDocument.Parse(lines[i]).RootElement;
            // Flat: no nested object, the same keys in the same order on every line.
            var row = line.EnumerateObject().ToDictionary(p => p.Name, p => NdjsonValue(p.Value));
            Assert.DoesNotContain(line.EnumerateObject(), p => p.Value.ValueKind == JsonValueKind.Object);
            keys ??= row.Keys.ToList();
            Assert.Equal(keys, row.Keys);
            Tabular.AssertRowMatches(Tabular.Flatten(expected[i]), row, Tabular.Text, $"{url} line {i + 1}");
        }
    }

    private static object? NdjsonValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? (object)whole : value.GetDouble(),
        JsonValueKind.Array => value.EnumerateArray().Select(e => e.GetString()!).ToList(),
        _ => throw new InvalidOperationException($"a nested {value.ValueKind} in a flat row"),
    };

    [Theory, MemberData(nameof(Lists))]
    public async Task Csv_export_parses_into_the_rows_of_the_paginated_list(string url)
    {
        var expected = await WalkAsync(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());

        var (header, rows) = Tabular.ParseCsv(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected.Count, rows.Count);
        Assert.All(header, name => Assert.Matches("^[a-z][a-z0-9_]*$", name));
        for (var i = 0; i < rows.Count; i++)
            Tabular.AssertRowMatches(Tabular.Flatten(expected[i]), rows[i], Tabular.CsvText, $"{url} row {i + 1}");
    }

    /// <summary>DuckDB reads the Parquet file: as many rows as the pages, in their order, each column typed
    /// (integers, doubles, booleans, dates, lists; text where the JSON has text), nulls where the JSON has null.</summary>
    [Theory, MemberData(nameof(Lists))]
    public async Task Parquet_export_read_by_duckdb_is_the_paginated_list_with_typed_columns(string url)
    {
        var expected = await WalkAsync(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.apache.parquet"));
        using var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apache.parquet", response.Content.Headers.ContentType?.MediaType);
        var (columns, rows) = Tabular.ReadParquet(await response.Content.ReadAsByteArrayAsync());

        var total = (await app.GetJsonAsync(With(url, "count=true&limit=1"))).GetProperty("total").GetInt64();
        Assert.Equal(total, rows.Count);
        Assert.Equal(expected.Count, rows.Count);
        Assert.Equal(expected.Select(e => e.GetProperty("id").GetString()), rows.Select(r => (string?)r["id"]));

        var types = columns.ToDictionary(c => c.Name, c => c.Type);
        for (var i = 0; i < rows.Count; i++)
        {
            var flat = Tabular.Flatten(expected[i]);
            Tabular.AssertRowMatches(flat, rows[i], Tabular.Text, $"{url} row {i + 1}");
            foreach (var (name, value) in flat.Where(f => f.Value is not null && !f.Key.StartsWith("__", StringComparison.Ordinal)))
            {
                var type = value switch
                {
                    long => "BIGINT",
                    double => "DOUBLE",
                    bool => "BOOLEAN",
                    DateOnly => "DATE",
                    List<string> => "VARCHAR[]",
                    _ => "VARCHAR",
                };
                Assert.True(type == types[name], $"{url}: {name} is {types[name]}, expected {type}");
            }
        }
        // A column that is null in every row is still typed (text), not left to a reader to guess.
        if (types.ContainsKey("url")) Assert.Equal("VARCHAR", types["url"]);
    }

    [Fact]
    public async Task Dates_have_their_first_and_last_day_and_credits_their_ids()
    {
        var csv = await app.CreateClient().GetStringAsync("/v1/articles?format=csv&sort=id");
        var (header, rows) = Tabular.ParseCsv(csv);
        Assert.Contains("published_first_day", header);
        Assert.Contains("credits_author_id", header);
        var year = rows.First(r => (string?)r["published_precision"] == "year");
        Assert.Equal((string)year["published_date"]! + "-01-01", year["published_first_day"]);
        Assert.Equal((string)year["published_date"]! + "-12-31", year["published_last_day"]);
        var november = rows.First(r => (string?)r["published_date"] == "2024-11");
        Assert.Equal("month", november["published_precision"]);
        Assert.Equal("2024-11-01", november["published_first_day"]);
        Assert.Equal("2024-11-30", november["published_last_day"]);
        var interview = rows.Single(r => (string?)r["id"] == "point-of-no-return-aslan-ismailov");
        Assert.Equal("vazha-tavberidze; aslan-ismailov", interview["credits_author_id"]);
        Assert.Equal("interviewer; interviewee", interview["credits_role"]);
        // An unknown outlet leaves its columns empty.
        var unknownOutlet = rows.Single(r => (string?)r["id"] == "putin-aliyev-what-is-this-game");
        Assert.Equal("", unknownOutlet["outlet_id"]);
        Assert.Equal("", unknownOutlet["outlet_name"]);
    }

    public static TheoryData<string> Formats => new() { "csv", "ndjson", "parquet" };

    /// <summary>limit with an export takes a sample: the first n items of the list, in every format.</summary>
    [Theory, MemberData(nameof(Formats))]
    public async Task Limit_takes_a_sample_in_every_format(string format)
    {
        foreach (var url in new[] { "/v1/stances?position=supports", "/v1/articles?sort=title", "/v1/search?q=generated" })
        {
            var expected = (await app.GetJsonAsync(With(url, "limit=7"))).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
            Assert.Equal(7, expected.Count);
            using var response = await app.CreateClient().GetAsync(With(url, $"format={format}&limit=7"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var ids = format switch
            {
                "csv" => Tabular.ParseCsv(await response.Content.ReadAsStringAsync()).Rows.Select(r => (string?)r["id"]).ToList(),
                "ndjson" => (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList(),
                _ => Tabular.ReadParquet(await response.Content.ReadAsByteArrayAsync()).Rows.Select(r => (string?)r["id"]).ToList(),
            };
            Assert.Equal(expected, ids);
        }
    }

    [Theory, MemberData(nameof(Formats))]
    public async Task An_export_of_nothing_is_a_valid_empty_file(string format)
    {
        using var response = await app.CreateClient().GetAsync($"/v1/stances?topic=topic-059&position=mixed&position=neutral&format={format}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (format == "parquet")
        {
            var (columns, rows) = Tabular.ReadParquet(bytes);
            Assert.Empty(rows);
            Assert.Contains(columns, c => c.Name == "held_at_first_day" && c.Type == "DATE");
        }
        else if (format == "csv") Assert.StartsWith("id,topic_id,", System.Text.Encoding.UTF8.GetString(bytes));
        else Assert.Empty(bytes);
    }

    [Theory]
    [InlineData("/v1/articles?format=csv&limit=101", "limit")]
    [InlineData("/v1/articles?format=parquet&limit=0", "limit")]
    [InlineData("/v1/articles?format=ndjson&count=true", "count")]
    [InlineData("/v1/stances?format=parquet&facet=position", "facet")]
    [InlineData("/v1/stances?format=csv&cursor=abc", "cursor")]
    [InlineData("/v1/articles?format=xml", "format")]
    [InlineData("/v1/articles?format=csv&format=json", "format")]
    public async Task Export_parameters_are_checked(string url, string parameter)
    {
        using var response = await app.CreateClient().GetAsync(url);
        await ProblemAssert.NamesParameterAsync(response, parameter);
    }

    [Fact]
    public async Task An_accept_header_allowing_no_format_is_a_406_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/articles");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var response = await app.CreateClient().SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, 406);
    }

    [Fact]
    public async Task Errors_are_problems_even_for_a_client_asking_for_csv()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/articles?limit=0");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await app.CreateClient().SendAsync(request);
        var problem = await ProblemAssert.NamesParameterAsync(response, "limit");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task A_browser_accept_header_gets_json()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/articles?limit=1");
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var response = await app.CreateClient().SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Export_of_a_missing_parent_is_a_404()
    {
        using var response = await app.CreateClient().GetAsync("/v1/topics/no-such-topic/stances?format=csv");
        await ProblemAssert.IsProblemAsync(response, 404);
    }
}

/// <summary>An export of many batches: the reading task and the writing request run side by side, and
/// neither order nor rows are lost between them; a client that leaves mid-stream stops the reading,
/// which releases its snapshot of the database.</summary>
public sealed class ExportOfManyBatchesTests : IAsyncLifetime
{
    private readonly EmptyArchive app = new();

    public async Task InitializeAsync()
    {
        _ = app.Services; // migrated, not seeded
        await ArchiveGenerator.GenerateAsync(app.Services.GetRequiredService<Database>(), new GeneratorOptions(1_000, 3), TextWriter.Null);
    }

    [Fact]
    public async Task Every_row_arrives_once_in_order()
    {
        await using var connection = await app.OpenAsync();
        var expected = (await connection.QueryAsync<string>("SELECT id FROM stances ORDER BY id")).ToList();
        Assert.True(expected.Count > 2_000, "the export must span many batches");

        var body = await app.CreateClient().GetStringAsync("/v1/stances?format=ndjson");
        var ids = body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!).ToList();
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task A_client_leaving_mid_stream_stops_the_read_and_releases_the_database()
    {
        var client = app.CreateClient();
        using (var response = await client.GetAsync("/v1/stances?format=ndjson", HttpCompletionOption.ResponseHeadersRead))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[4096];
            Assert.True(await stream.ReadAsync(buffer) > 0);
        } // leaves with most of the export unread

        // SQLite: a checkpoint that truncates the WAL succeeds only when no reader still holds a snapshot.
        // PostgreSQL: no other session of the archive is still in a transaction or running a statement.
        await using var connection = await app.OpenAsync();
        await connection.ExecuteAsync("UPDATE outlets SET description = 'written after the abort' WHERE id = (SELECT min(id) FROM outlets)");
        var postgres = SqlDialect.Of(connection).Provider == DatabaseProvider.PostgreSQL;
        var busy = 1L;
        for (var attempt = 0; attempt < 50 && busy != 0; attempt++)
        {
            busy = postgres
                ? await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'")
                : (await connection.QueryAsync<(long Busy, long Log, long Checkpointed)>("PRAGMA wal_checkpoint(TRUNCATE)")).Single().Busy;
            if (busy != 0) await Task.Delay(100);
        }
        Assert.Equal(0, busy);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/stances?limit=1")).StatusCode);
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }
}
