using System.Data.Common;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>Moving an archive between providers (the <c>copy</c> command): copied into a SQLite file and from it
/// into a new database of the archive's own provider, every row of every table comes back as it was, and the
/// copy's service accepts the source's cursors. On PostgreSQL this is PostgreSQL → SQLite → PostgreSQL; on
/// SQLite, file → file → file.</summary>
public sealed class ArchiveCopyTests : IDisposable
{
    private readonly ArchiveApp source = new();
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-copy-").FullName;
    private TestPostgres? copyOnPostgres;

    public void Dispose()
    {
        source.Dispose();
        copyOnPostgres?.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Every table the copy carries, and the ones the target's triggers rebuild, ordered in full.</summary>
    private static readonly string[] Compared = [.. ArchiveCopy.Tables, "meta", "topic_tallies"];

    [Fact]
    public async Task An_archive_copied_into_sqlite_and_back_holds_every_row_it_held()
    {
        // Some history beyond the corpus: a key, an idempotent write, an update and a deletion.
        var (_, secret) = await source.Services.GetRequiredService<ApiKeys>().CreateAsync("mover");
        var client = source.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/outlets") { Content = new StringContent(JsonSerializer.Serialize(new { id = "moved-outlet", name = "Moved" }), Encoding.UTF8, "application/json") })
        {
            request.Headers.Add("Idempotency-Key", "move-1");
            Assert.True((await client.SendAsync(request)).IsSuccessStatusCode);
        }
        var cursor = (await source.GetJsonAsync("/v1/articles?limit=2")).NullableString("nextCursor")!;

        var database = source.Services.GetRequiredService<Database>();
        var middle = new Database(Path.Combine(directory, "moved.db"), pooling: false);
        Database back;
        if (database.Provider == DatabaseProvider.PostgreSQL)
        {
            copyOnPostgres = TestPostgres.Create();
            back = Database.ForPostgres(copyOnPostgres.ConnectionString);
        }
        else back = new Database(Path.Combine(directory, "back.db"), pooling: false);

        var there = await ArchiveCopy.CopyAsync(database, middle);
        var again = await ArchiveCopy.CopyAsync(middle, back);
        Assert.Equal(there.Rows, again.Rows);
        Assert.True(there.Rows["articles"] >= 5 && there.Rows["revisions"] > 0 && there.Rows["idempotency"] == 1);

        await using var original = await database.OpenAsync();
        await using var copied = await back.OpenAsync();
        await using var file = await middle.OpenAsync();
        foreach (var table in Compared)
        {
            var expected = await RowsAsync(original, table);
            Assert.Equal(expected, await RowsAsync(file, table));
            Assert.Equal(expected, await RowsAsync(copied, table));
        }
        // New rows continue after the copied ones.
        Assert.Equal(await original.ExecuteScalarAsync<long>("SELECT max(seq) FROM revisions"), await copied.ExecuteScalarAsync<long>("SELECT max(seq) FROM revisions"));
        await copied.ExecuteAsync("INSERT INTO revisions (collection, resource_id, action, curator, at) VALUES ('outlets', 'x', 'create', 'mover', '2026-01-01T00:00:00.000Z')");
        Assert.Equal(await original.ExecuteScalarAsync<long>("SELECT max(seq) FROM revisions") + 1, await copied.ExecuteScalarAsync<long>("SELECT max(seq) FROM revisions"));

        // The cursor secret moved with the archive: the copy's cursors are the source's.
        var codec = new Http.CursorCodec(Convert.FromHexString(await copied.ExecuteScalarAsync<string>("SELECT value FROM meta WHERE key = 'cursor_secret'") ?? ""));
        Assert.True(codec.TryDecode(cursor, out _));
        (back as IDisposable)?.Dispose();
    }

    /// <summary>A table's rows as text, in a total order (the columns SQLite's schema names, generated ones included).</summary>
    private static async Task<List<string>> RowsAsync(DbConnection connection, string table)
    {
        var columns = ColumnsOf(table);
        var rows = await connection.QueryAsync(
            // The names come from the schema, never from input.
            $"SELECT {string.Join(", ", columns)} FROM {table} ORDER BY {string.Join(", ", Enumerable.Range(1, columns.Count))}");
        return rows.Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values.Select(v => v switch
        {
            null => "NULL",
            IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => v.ToString(),
        }))).ToList();
    }

    private static List<string> ColumnsOf(string table)
    {
        using var schema = new SqliteConnection("Data Source=:memory:");
        schema.Open();
        foreach (var migration in Migrator.All) schema.Execute(migration.Sql);
        var columns = schema.Query<string>("SELECT name FROM pragma_table_xinfo(@table) WHERE hidden <> 1 ORDER BY cid", new { table }).ToList();
        if (table is "articles" or "stances") columns.Add("rowid");
        return columns;
    }
}
