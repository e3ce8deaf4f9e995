using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Data;

/// <summary>Thrown when the database file was written by a newer build than this one.</summary>
public sealed class SchemaTooNewException(long found, long supported) : Exception(
    $"The database schema is version {found}, but this build of the service only knows versions up to {supported}. " +
    "Run a newer build of the service against this file, or point Database:Path at another file; the file was left untouched.")
{
    public long Found { get; } = found;
    public long Supported { get; } = supported;
}

/// <summary>Applies the numbered scripts in db/migrations, each in its own transaction, and records
/// the schema version in <c>PRAGMA user_version</c> (which SQLite rolls back with the transaction).</summary>
public sealed partial class Migrator(Database database, IReadOnlyList<Migrator.Migration>? migrations = null)
{
    private readonly IReadOnlyList<Migration> migrations = migrations ?? All;

    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    /// <returns>The version the database was at before migrating.</returns>
    public async Task<long> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var before = await CurrentVersionAsync(connection, cancellationToken);
        var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (before > latest) throw new SchemaTooNewException(before, latest);

        // WAL lets readers go on while a writer commits; it is a property of the file, set once.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

        foreach (var migration in migrations.Where(m => m.Version > before))
        {
            // BEGIN IMMEDIATE takes the write lock first; another process that migrated meanwhile is
            // then seen by the re-read below, so two services starting on one new file cannot both
            // apply the same script.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            if (await VersionInAsync(transaction, cancellationToken) >= migration.Version) continue;
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {migration.Version};", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return before;
    }

    public static async Task<long> CurrentVersionAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<long> VersionInAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(name);
            if (!match.Success) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, reader.ReadToEnd()));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Migrations must be numbered 1, 2, 3… without gaps; found {migrations[i].Name} at position {i + 1}.");
        }
        return migrations;
    }

    [GeneratedRegex(@"^migrations/(?<name>(?<version>\d{4})_[a-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
