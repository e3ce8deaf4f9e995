using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;
using PerspectivesApi.Exports;

namespace PerspectivesApi.Tests;

/// <summary>GET /v1/export/archive.sqlite: a consistent, openable copy of the archive's public content
/// (the documented allowlist, nothing else) with an ETag that changes exactly when the archive does.</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly ArchiveApp app = new();
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-snapshot-").FullName;

    private async Task<(string Path, EntityTagHeaderValue ETag)> DownloadAsync()
    {
        using var response = await app.CreateClient().GetAsync("/v1/export/archive.sqlite");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.sqlite3", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("archive.sqlite", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.sqlite");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        return (path, response.Headers.ETag!);
    }

    [Fact]
    public async Task The_snapshot_opens_passes_integrity_check_and_holds_the_archive()
    {
        var (path, etag) = await DownloadAsync();
        Assert.False(etag.IsWeak);
        await using var snapshot = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await snapshot.OpenAsync();
        Assert.Equal("ok", await snapshot.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        Assert.Equal(Migrator.LatestVersion, await snapshot.ExecuteScalarAsync<long>("PRAGMA user_version"));
        Assert.Equal(5, await snapshot.ExecuteScalarAsync<long>("SELECT count(*) FROM articles"));
        Assert.Equal(71, await snapshot.ExecuteScalarAsync<long>("SELECT count(*) FROM stances"));
        Assert.Equal(1, await snapshot.ExecuteScalarAsync<long>("SELECT count(*) FROM stances_fts WHERE stances_fts MATCH '\"point of no return\"'"));
        Assert.Equal(0, await snapshot.ExecuteScalarAsync<long>("SELECT count(*) FROM meta WHERE key = 'cursor_secret'"));
        Assert.Equal("delete", await snapshot.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(
            await (await app.OpenAsync()).ExecuteScalarAsync<long>("SELECT count(*) FROM topic_tallies"),
            await snapshot.ExecuteScalarAsync<long>("SELECT count(*) FROM topic_tallies"));

        // The full-text indexes are copied, not rebuilt: FTS5's own check proves them whole and in step with their tables.
        await using var writable = new SqliteConnection($"Data Source={path};Pooling=False");
        await writable.OpenAsync();
        await writable.ExecuteAsync("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')");
        await writable.ExecuteAsync("INSERT INTO stances_fts (stances_fts) VALUES ('integrity-check')");
        Assert.Equal(1, await writable.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH 'Shusha' AND a.id = 'point-of-no-return-aslan-ismailov'"));
    }

    [Fact]
    public async Task The_snapshot_holds_exactly_the_documented_tables_and_columns()
    {
        var (path, _) = await DownloadAsync();
        await using var snapshot = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await snapshot.OpenAsync();

        var tables = (await snapshot.QueryAsync<(string Name, string Type)>(
            "SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")).ToList();
        var allowlist = SnapshotContent.Tables.Select(t => t.Name).ToList();
        var dictionary = SnapshotContent.Dictionary.Select(t => t.Name).ToList();
        Assert.Equal(allowlist.Concat(dictionary).Order(), tables.Where(t => t.Type is "table" or "virtual").Select(t => t.Name).Order());
        // A full-text index's own tables, and nothing else, beside them.
        Assert.All(tables.Where(t => t.Type == "shadow"),
            shadow => Assert.Contains(SnapshotContent.Tables, t => t.FullTextIndex && shadow.Name.StartsWith(t.Name + "_")));
        Assert.Empty(await snapshot.QueryAsync<string>("SELECT name FROM sqlite_schema WHERE type = 'trigger'"));
        // The views are the tidy tables, and nothing else.
        Assert.Equal(TidyTables.All.Select(t => t.ViewName).Order(), await snapshot.QueryAsync<string>("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name"));
        // Only indexes of allowlisted tables (and the dictionary's keys), and the same ones the archive has.
        Assert.All(await snapshot.QueryAsync<string>("SELECT tbl_name FROM sqlite_schema WHERE type = 'index'"), table => Assert.Contains(table, allowlist.Concat(dictionary)));
        await using var archive = await app.OpenAsync();
        const string NamedIndexes = "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(@tables)) ORDER BY name";
        var tablesJson = System.Text.Json.JsonSerializer.Serialize(allowlist);
        Assert.Equal(await archive.QueryAsync<string>(NamedIndexes, new { tables = tablesJson }), await snapshot.QueryAsync<string>(NamedIndexes, new { tables = tablesJson }));

        var documented = DocumentedTables();
        Assert.Equal(allowlist, documented.Keys);
        foreach (var table in SnapshotContent.Tables)
        {
            // Every column, generated ones included; not a virtual table's hidden ones (its name, rank).
            var columns = await snapshot.QueryAsync<string>("SELECT name FROM pragma_table_xinfo(@name) WHERE hidden <> 1 ORDER BY cid", new { name = table.Name });
            Assert.Equal(table.ColumnNames, columns);
            Assert.Equal(table.ColumnNames, documented[table.Name]);
        }
        Assert.Equal(["revised_at", "revision"], await snapshot.QueryAsync<string>("SELECT key FROM meta ORDER BY key"));
    }

    /// <summary>db/SNAPSHOT.md: each table is a "## `name`" heading over a table of "| `column` | meaning |" rows.</summary>
    private static Dictionary<string, List<string>> DocumentedTables()
    {
        var tables = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in File.ReadLines(Path.Combine(ContractTests.RepositoryRoot(), "db", "SNAPSHOT.md")))
        {
            if (Regex.Match(line, @"^## `(?<name>[a-z0-9_]+)`\s*$") is { Success: true } heading)
                tables[heading.Groups["name"].Value] = current = [];
            else if (line.StartsWith("## ")) current = null;
            else if (current is not null && Regex.Match(line, @"^\| `(?<name>[a-z0-9_]+)` \|") is { Success: true } row)
                current.Add(row.Groups["name"].Value);
        }
        return tables;
    }

    [Fact]
    public async Task No_key_material_and_no_secret_is_anywhere_in_the_snapshot_file()
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        var (writer, secret) = await keys.CreateAsync("snapshot-curator");
        // Names of keys are not public: only the names that sign a change are (in the public history).
        var (_, silentSecret) = await keys.CreateAsync("silent-curator-name");
        var idempotencyKey = "idem-" + Guid.NewGuid().ToString("N");
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/outlets"))
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            request.Content = new StringContent("""{"name":"Snapshot Secrets Gazette","kind":"blog"}""", Encoding.UTF8, "application/json");
            using var created = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        string cursorSecret;
        await using (var archive = await app.OpenAsync())
        {
            cursorSecret = await archive.ExecuteScalarAsync<string>("SELECT value FROM meta WHERE key = 'cursor_secret'") ?? "";
            // The material is in the archive, so its absence from the snapshot means something.
            Assert.Equal(1, await archive.ExecuteScalarAsync<long>("SELECT count(*) FROM idempotency WHERE idempotency_key = @idempotencyKey", new { idempotencyKey }));
            Assert.Equal(2, await archive.ExecuteScalarAsync<long>("SELECT count(*) FROM api_keys WHERE name IN ('snapshot-curator', 'silent-curator-name')"));
        }
        Assert.True(cursorSecret.Length >= 32);

        var (path, _) = await DownloadAsync();
        var bytes = await File.ReadAllBytesAsync(path);
        var forbidden = new List<(string What, byte[] Bytes)>();
        foreach (var (name, key) in new[] { ("writer", secret), ("silent", silentSecret) })
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
            forbidden.Add(($"the {name} key", Encoding.UTF8.GetBytes(key)));
            forbidden.Add(($"the {name} key without its prefix", Encoding.UTF8.GetBytes(key[3..])));
            forbidden.Add(($"the {name} key's listing prefix", Encoding.UTF8.GetBytes(key[..8])));
            forbidden.Add(($"the {name} key's hash (hex)", Encoding.UTF8.GetBytes(Convert.ToHexStringLower(hash))));
            forbidden.Add(($"the {name} key's hash (HEX)", Encoding.UTF8.GetBytes(Convert.ToHexString(hash))));
            forbidden.Add(($"the {name} key's hash (bytes)", hash));
        }
        forbidden.Add(("the Idempotency-Key", Encoding.UTF8.GetBytes(idempotencyKey)));
        forbidden.Add(("an unused key's name", Encoding.UTF8.GetBytes("silent-curator-name")));
        forbidden.Add(("the cursor secret", Encoding.UTF8.GetBytes(cursorSecret)));
        forbidden.Add(("the cursor secret (bytes)", Convert.FromHexString(cursorSecret)));
        foreach (var (what, needle) in forbidden)
            Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{what} is in the snapshot file");

        // The write itself is public, and so is who made it.
        await using var snapshot = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        Assert.Equal(1, await snapshot.ExecuteScalarAsync<long>("SELECT count(*) FROM outlets WHERE name = 'Snapshot Secrets Gazette'"));
        Assert.Equal(writer.Name, await snapshot.ExecuteScalarAsync<string>("SELECT curator FROM revisions ORDER BY seq DESC LIMIT 1"));
    }

    [Fact]
    public async Task HEAD_answers_what_GET_would_without_building_the_file()
    {
        var client = app.CreateClient();
        using var get = await client.GetAsync("/v1/export/archive.sqlite");
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/export/archive.sqlite"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Content.Headers.ContentDisposition, head.Content.Headers.ContentDisposition);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var conditional = new HttpRequestMessage(HttpMethod.Head, "/v1/export/archive.sqlite");
        conditional.Headers.IfNoneMatch.Add(get.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task The_etag_answers_304_until_the_archive_changes()
    {
        var (_, etag) = await DownloadAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/export/archive.sqlite"))
        {
            request.Headers.IfNoneMatch.Add(etag);
            using var notModified = await app.CreateClient().SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        await using (var connection = await app.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO outlets (id, name) VALUES ('snapshot-test-outlet', 'Snapshot Test')");

        var (path, changed) = await DownloadAsync();
        Assert.NotEqual(etag.Tag, changed.Tag);
        await using var snapshot = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        Assert.Equal(1, await snapshot.ExecuteScalarAsync<long>("SELECT count(*) FROM outlets WHERE id = 'snapshot-test-outlet'"));
    }

    [Theory]
    [InlineData("INSERT INTO topics (id, title, proposition) VALUES ('rev-topic', 'T', 'P')")]
    [InlineData("UPDATE articles SET title = title || '!' WHERE id = 'putin-aliyev-what-is-this-game'")]
    [InlineData("DELETE FROM credits WHERE author_id = 'vazha-tavberidze'")]
    [InlineData("UPDATE stances SET summary = summary || ' ' WHERE id = 'ismailov-rift-point-of-no-return'")]
    [InlineData("UPDATE authors SET affiliation = 'x' WHERE id = 'aslan-ismailov'")]
    public async Task Every_write_to_any_table_bumps_the_revision(string write)
    {
        await using var connection = await app.OpenAsync();
        var before = await connection.ExecuteScalarAsync<long>("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'");
        await connection.ExecuteAsync(write);
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'") > before);
    }

    /// <summary>db/SNAPSHOT.md below its marker is generated from the lists in code, so it cannot drift from what the file holds.</summary>
    [Fact]
    public async Task Snapshot_md_describes_every_table_view_and_column_as_the_code_does()
    {
        var path = Path.Combine(ContractTests.RepositoryRoot(), "db", "SNAPSHOT.md");
        var text = await File.ReadAllTextAsync(path);
        const string Marker = "<!-- Everything below is generated";
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at > 0, "db/SNAPSHOT.md has lost its marker");
        var markerEnd = text.IndexOf("-->", at, StringComparison.Ordinal) + 3;
        var generated = "\n\n" + SnapshotContent.Markdown();
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOT_DOC") == "1")
        {
            text = text[..markerEnd] + generated;
            await File.WriteAllTextAsync(path, text);
        }
        Assert.True(text[markerEnd..] == generated,
            "db/SNAPSHOT.md differs from SnapshotContent and TidyTables: run UPDATE_SNAPSHOT_DOC=1 dotnet test --filter SnapshotTests and commit it.");
    }

    /// <summary>The file describes itself: every table and view has a row in dictionary_tables, every column one in
    /// dictionary_columns, in order, with its type (booleans said to be booleans) and a meaning.</summary>
    [Fact]
    public async Task The_dictionary_describes_every_table_view_and_column_of_the_file()
    {
        var (path, _) = await DownloadAsync();
        await using var snapshot = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await snapshot.OpenAsync();
        var objects = (await snapshot.QueryAsync<string>(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")).ToList();
        var described = (await snapshot.QueryAsync<(string Name, string Kind, string Description)>("SELECT name, kind, description FROM dictionary_tables ORDER BY name")).ToList();
        Assert.Equal(objects, described.Select(d => d.Name));
        Assert.All(described, d => Assert.False(string.IsNullOrWhiteSpace(d.Description)));
        Assert.Equal("full-text index storage", described.Single(d => d.Name == "articles_fts_data").Kind);
        Assert.Equal("view", described.Single(d => d.Name == "tidy_stances").Kind);

        foreach (var (name, kind, _) in described.Where(d => d.Kind != "full-text index storage"))
        {
            var columns = await snapshot.QueryAsync<string>("SELECT name FROM pragma_table_xinfo(@name) WHERE hidden <> 1 ORDER BY cid", new { name });
            var dictionary = (await snapshot.QueryAsync<(string Column, string Type, string Description)>(
                "SELECT column_name, type, description FROM dictionary_columns WHERE table_name = @name ORDER BY ordinal", new { name })).ToList();
            Assert.Equal(columns, dictionary.Select(d => d.Column));
            Assert.All(dictionary, d => Assert.False(string.IsNullOrWhiteSpace(d.Description), $"{name}.{d.Column} has no description"));
        }
        // Booleans are said to be booleans, in the tables as in the views; dates to be dates.
        Assert.Equal("boolean", await snapshot.ExecuteScalarAsync<string>("SELECT type FROM dictionary_columns WHERE table_name = 'articles' AND column_name = 'published_inferred'"));
        Assert.Equal("boolean", await snapshot.ExecuteScalarAsync<string>("SELECT type FROM dictionary_columns WHERE table_name = 'tidy_topics' AND column_name = 'time_dependent'"));
        Assert.Equal("date", await snapshot.ExecuteScalarAsync<string>("SELECT type FROM dictionary_columns WHERE table_name = 'tidy_stances' AND column_name = 'held_first_day'"));
        Assert.Equal(0, await snapshot.ExecuteScalarAsync<long>("SELECT nullable FROM dictionary_columns WHERE table_name = 'stances' AND column_name = 'quote'"));
        Assert.Equal(1, await snapshot.ExecuteScalarAsync<long>("SELECT nullable FROM dictionary_columns WHERE table_name = 'stances' AND column_name = 'note'"));
    }

    /// <summary>Each tidy_… view holds what GET /v1/export/tables/{name}.csv serves: the same header and rows.</summary>
    [Fact]
    public async Task The_views_are_the_tidy_tables()
    {
        var (path, _) = await DownloadAsync();
        await using var snapshot = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await snapshot.OpenAsync();
        foreach (var table in TidyTables.All)
        {
            var (header, rows) = Tabular.ParseCsv(await app.CreateClient().GetStringAsync($"/v1/export/tables/{table.Name}.csv"));
            Assert.Equal(header, await snapshot.QueryAsync<string>("SELECT name FROM pragma_table_info(@view) ORDER BY cid", new { view = table.ViewName }));
            await using var command = snapshot.CreateCommand();
            command.CommandText = $"SELECT * FROM {table.ViewName}";
            await using var reader = await command.ExecuteReaderAsync();
            var index = 0;
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    // SQLite's booleans are 0 and 1.
                    if (table.TableColumns[i].Type == ColumnType.Boolean && value is long flag) value = flag != 0;
                    Assert.Equal(Tabular.CsvText(rows[index][header[i]]), Tabular.CsvText(value));
                }
                index++;
            }
            Assert.Equal(rows.Count, index);
        }
    }

    /// <summary>curl -z: Last-Modified is the revision's time; If-Modified-Since answers 304 until the archive changes.</summary>
    [Fact]
    public async Task Last_modified_and_if_modified_since_answer_304_until_the_archive_changes()
    {
        var client = app.CreateClient();
        var first = await ConditionalDownloadTests.SettledAsync(client, "/v1/export/archive.sqlite");
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/export/archive.sqlite"))
        {
            request.Headers.IfModifiedSince = first.LastModified;
            using var notModified = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(first.ETag, notModified.Headers.ETag);
        }
        await using (var connection = await app.OpenAsync())
            await connection.ExecuteAsync("UPDATE outlets SET description = 'changed for Last-Modified' WHERE id = 'georgia-today'");
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/export/archive.sqlite"))
        {
            request.Headers.IfModifiedSince = first.LastModified;
            using var changed = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.NotEqual(first.ETag, changed.Headers.ETag);
        }
        var second = await ConditionalDownloadTests.SettledAsync(client, "/v1/export/archive.sqlite");
        Assert.True(second.LastModified > first.LastModified, $"Last-Modified {second.LastModified} did not move past {first.LastModified}");
    }

    public void Dispose()
    {
        app.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
