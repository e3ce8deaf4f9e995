using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CsvHelper;
using Dapper;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>Every collection streams its whole filtered result as CSV or NDJSON, in the same rows
/// and shape as its paginated JSON.</summary>
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
    public async Task Ndjson_export_is_the_paginated_list_one_item_a_line(string url)
    {
        var expected = await WalkAsync(url);
        using var response = await app.CreateClient().GetAsync(With(url, "format=ndjson"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Equal("", lines[^1]); // every line ends with \n
        Assert.Equal(expected.Select(e => e.GetRawText()), lines[..^1]);
    }

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

        var rows = ParseCsv(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            // Each leaf of the JSON item is the CSV column of the same dotted name.
            foreach (var (column, value) in Leaves(expected[i], ""))
            {
                if (rows[i].TryGetValue(column, out var cell)) { Assert.Equal(value, cell); continue; }
                // A null reference (an unknown outlet) leaves each of its columns empty.
                var nested = rows[i].Where(c => c.Key.StartsWith(column + ".", StringComparison.Ordinal)).ToList();
                Assert.True(value == "" && nested.Count > 0, $"no column {column}");
                Assert.All(nested, c => Assert.Equal("", c.Value));
            }
        }
    }

    /// <summary>Parses the CSV with CsvHelper (RFC 4180: quoted fields, doubled quotes, line breaks
    /// inside fields), independently of the service's writer.</summary>
    private static List<Dictionary<string, string>> ParseCsv(string text)
    {
        using var csv = CsvReader.Create(new StringReader(text), null, false);
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var header = csv.Headers.ToList();
            Assert.Equal(header.Count, csv.FieldCount);
            rows.Add(header.Select((name, i) => (name, value: csv.GetString(i))).ToDictionary(p => p.name, p => p.value));
        }
        return rows;
    }

    private static IEnumerable<(string Column, string Value)> Leaves(JsonElement element, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = prefix + property.Name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var leaf in Leaves(property.Value, name + ".")) yield return leaf;
                    break;
                case JsonValueKind.Array: // credits: "Name (role); …"
                    yield return (name, string.Join("; ", property.Value.EnumerateArray().Select(c => $"{c.GetProperty("author").GetProperty("name").GetString()} ({c.GetProperty("role").GetString()})")));
                    break;
                case JsonValueKind.Null:
                    yield return (name, "");
                    break;
                case JsonValueKind.String:
                    yield return (name, property.Value.GetString()!);
                    break;
                default:
                    yield return (name, property.Value.GetRawText());
                    break;
            }
        }
    }

    [Fact]
    public async Task A_null_reference_still_has_its_csv_columns()
    {
        var csv = await app.CreateClient().GetStringAsync("/v1/articles?format=csv&outlet=outlet-001");
        var header = csv[..csv.IndexOf("\r\n", StringComparison.Ordinal)].Split(',');
        Assert.Contains("outlet.id", header);
        Assert.Contains("published.precision", header);
        var unknownOutlet = await app.CreateClient().GetStringAsync("/v1/articles?format=csv&genre=editorial");
        Assert.Contains("putin-aliyev-what-is-this-game,", unknownOutlet);
    }

    [Theory]
    [InlineData("/v1/articles?format=csv&limit=10", "limit")]
    [InlineData("/v1/articles?format=ndjson&count=true", "count")]
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
        await ArchiveGenerator.GenerateAsync(new Database(app.DatabasePath), new GeneratorOptions(1_000, 3), TextWriter.Null);
    }

    [Fact]
    public async Task Every_row_arrives_once_in_order()
    {
        await using var connection = await app.OpenAsync();
        var expected = (await connection.QueryAsync<string>("SELECT id FROM stances ORDER BY id")).ToList();
        Assert.True(expected.Count > 2_000, "the export must span many batches");

        var body = await app.CreateClient().GetStringAsync("/v1/stances?format=ndjson");
        var ids = body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()).ToList();
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

        // A checkpoint that truncates the WAL succeeds only when no reader still holds a snapshot.
        await using var connection = await app.OpenAsync();
        await connection.ExecuteAsync("UPDATE outlets SET description = 'written after the abort' WHERE id = (SELECT min(id) FROM outlets)");
        var busy = 1L;
        for (var attempt = 0; attempt < 50 && busy != 0; attempt++)
        {
            busy = (await connection.QueryAsync<(long Busy, long Log, long Checkpointed)>("PRAGMA wal_checkpoint(TRUNCATE)")).Single().Busy;
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
