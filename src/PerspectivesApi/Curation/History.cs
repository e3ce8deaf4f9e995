using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Articles;
using PerspectivesApi.Authors;
using PerspectivesApi.Data;
using PerspectivesApi.Outlets;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Curation;

/// <summary>The archive's history: one revision per change, whoever made it (a curator through the
/// API, an import, the seed corpus). Documents are stored in the writable shape, so any revision can
/// be restored and the whole history replayed.</summary>
public static class History
{
    /// <summary>Documents are written with the HTTP API's JSON settings (camelCase), so the feed
    /// and the revisions read like every other response.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task RecordAsync(SqliteConnection connection, string curator, string collection, string id, string action, object? before, object? after, string? note = null) =>
        connection.ExecuteAsync("""
            INSERT INTO revisions (collection, resource_id, action, curator, at, before, after, note)
            VALUES (@collection, @id, @action, @curator, @at, @before, @after, @note)
            """,
            new
            {
                collection, id, action, curator, at = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
                before = before is null ? null : JsonSerializer.Serialize(before, before.GetType(), Json),
                after = after is null ? null : JsonSerializer.Serialize(after, after.GetType(), Json),
                note,
            });

    /// <summary>Applies a manifest (validated first: all of it or none of it) and records a revision
    /// for every record it created or changed. Runs inside the caller's transaction.</summary>
    public static async Task<ImportReport> ImportAsync(
        SqliteConnection connection, SqliteTransaction? transaction, CorpusManifest manifest, Func<string, string> readBody, string curator, string note)
    {
        var bodies = CorpusImport.Bodies(manifest, readBody);
        manifest = await CorpusImport.ValidateAsync(connection, transaction, manifest, bodies);

        var tracked = new List<Func<Task>>();
        async Task TrackAsync<T>(string collection, IEnumerable<string> ids, Func<SqliteConnection, string, Task<T?>> load) where T : class
        {
            foreach (var id in ids)
            {
                var before = await load(connection, id);
                tracked.Add(async () =>
                {
                    var after = await load(connection, id);
                    if (before is null) await RecordAsync(connection, curator, collection, id, "create", null, after, note);
                    else if (JsonSerializer.Serialize(before, Json) != JsonSerializer.Serialize(after, Json))
                        await RecordAsync(connection, curator, collection, id, "update", before, after, note);
                });
            }
        }
        await TrackAsync("outlets", manifest.Outlets.Select(o => o.Id), OutletWrites.Model.LoadAsync);
        await TrackAsync("authors", manifest.Authors.Select(a => a.Id), AuthorWrites.Model.LoadAsync);
        await TrackAsync("topics", manifest.Topics.Select(t => t.Id), TopicWrites.Model.LoadAsync);
        await TrackAsync("articles", manifest.Articles.Select(a => a.Id), ArticleWrites.LoadAsync);
        await TrackAsync("stances", manifest.Stances.Select(s => s.Id), StanceWrites.LoadAsync);

        var report = await CorpusImport.UpsertAsync(connection, transaction, manifest, bodies);
        foreach (var record in tracked) await record();
        return report;
    }
}
