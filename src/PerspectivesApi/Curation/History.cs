using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Curation;

/// <summary>The archive's history: one revision per change, whoever made it (a curator through the
/// API, an import, the seed corpus). Documents are stored in the writable shape, so any revision can
/// be restored and the whole history replayed.</summary>
public static class History
{
    /// <summary>Documents are written with the HTTP API's JSON settings (camelCase), so the feed
    /// and the revisions read like every other response.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task RecordAsync(DbConnection connection, string curator, string collection, string id, string action, object? before, object? after, string? note = null) =>
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
}
