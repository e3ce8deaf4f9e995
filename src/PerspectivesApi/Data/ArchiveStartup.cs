using System.Security.Cryptography;
using Dapper;

namespace PerspectivesApi.Data;

/// <summary>Prepares the archive before the first request: migrate the schema, make sure the
/// per-archive secret that signs cursors exists, and load the curated corpus into an empty archive.</summary>
public sealed class ArchiveStartup(Database database, Migrator migrator, DatabaseOptions options, ILogger<ArchiveStartup> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var before = await migrator.MigrateAsync(cancellationToken);
        var latest = Migrator.LatestVersionOf(database.Provider);
        if (before < latest)
            logger.LogInformation("Migrated the {Provider} archive {Path} from schema version {From} to {To}", database.Provider, database.FilePath, before, latest);

        await using var connection = await database.OpenAsync(cancellationToken);
        // Cursors are signed with a secret kept in the archive itself, so they survive restarts and
        // stay valid across every process serving the same file.
        await connection.ExecuteAsync(
            "INSERT INTO meta (key, value) VALUES ('cursor_secret', @secret) ON CONFLICT DO NOTHING",
            new { secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) });

        // The corpus is loaded once, into a new archive; after that the archive belongs to its curators
        // and a restart must never overwrite what they changed.
        var seeded = await connection.ExecuteScalarAsync<string?>("SELECT value FROM meta WHERE key = 'corpus_seeded_at'");
        if (options.Seed && seeded is null)
        {
            // Through the resources' own validation and the history, like any import, so that the
            // changes feed holds the whole archive.
            var report = await CorpusImport.ApplyAsync(connection, SeedCorpus.LoadManifest(), SeedCorpus.ReadBody, "seed-corpus", "db/seed");
            await connection.ExecuteAsync(
                "INSERT INTO meta (key, value) VALUES ('corpus_seeded_at', @now) ON CONFLICT DO NOTHING", new { now = DateTimeOffset.UtcNow.ToString("O") });
            logger.LogInformation("Loaded the seed corpus: {Articles} articles, {Stances} stances", report.Articles.Created, report.Stances.Created);
        }
    }

    public async Task<byte[]> CursorSecretAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var hex = await connection.ExecuteScalarAsync<string>("SELECT value FROM meta WHERE key = 'cursor_secret'");
        return Convert.FromHexString(hex!);
    }
}
