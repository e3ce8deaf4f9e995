using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>GET /v1/export/archive.sqlite: a consistent, openable copy of the whole archive with an
/// ETag that changes exactly when the archive does.</summary>
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

    public void Dispose()
    {
        app.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
