using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Data;

/// <summary>Thrown when the database was written by a newer build than this one.</summary>
public sealed class SchemaTooNewException(long found, long supported) : Exception(
    $"The database schema is version {found}, but this build of the service only knows versions up to {supported}. " +
    "Run a newer build of the service against this database, or point Database:Path (or Database:ConnectionString) at another one; the database was left untouched.")
{
    public long Found { get; } = found;
    public long Supported { get; } = supported;
}

/// <summary>Applies the numbered scripts of the archive's provider, each in its own transaction: for SQLite
/// db/migrations, recording the schema version in <c>PRAGMA user_version</c> (which SQLite rolls back with the
/// transaction); for PostgreSQL db/migrations/postgresql, recording each version applied in
/// <c>schema_migrations</c>, under an advisory lock so that replicas starting at once migrate one at a time.</summary>
public sealed partial class Migrator(Database database, IReadOnlyList<Migrator.Migration>? migrations = null)
{
    private readonly IReadOnlyList<Migration> migrations = migrations ?? Of(database.Provider);

    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>SQLite's migrations (db/migrations).</summary>
    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded("migrations/");

    /// <summary>PostgreSQL's migrations (db/migrations/postgresql), numbered on their own.</summary>
    public static IReadOnlyList<Migration> Postgres { get; } = LoadEmbedded("migrations/postgresql/");

    public static IReadOnlyList<Migration> Of(DatabaseProvider provider) => provider == DatabaseProvider.PostgreSQL ? Postgres : All;

    /// <summary>The SQLite schema's version: the one a snapshot file has, and the one ETags name.</summary>
    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    public static int LatestVersionOf(DatabaseProvider provider) => Of(provider) is { Count: > 0 } list ? list[^1].Version : 0;

    /// <returns>The version the database was at before migrating.</returns>
    public async Task<long> MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (database.Provider == DatabaseProvider.PostgreSQL) return await MigratePostgresAsync(cancellationToken);

        await using var connection = await database.OpenSqliteAsync(cancellationToken);
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

    /// <summary>Replicas may start at once on an empty database: the first to take the advisory lock migrates,
    /// the others wait for it and then find nothing left to do. The lock is the session's, released at the end
    /// (or when the connection drops), and each script commits with its version, so a crash leaves a version
    /// that is either wholly applied or not at all.</summary>
    private async Task<long> MigratePostgresAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_advisory_lock({PostgresDialect.MigrationLock})", cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken: cancellationToken));
            var before = await CurrentVersionAsync(connection, cancellationToken);
            var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
            if (before > latest) throw new SchemaTooNewException(before, latest);
            foreach (var migration in migrations.Where(m => m.Version > before))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)", new { migration.Version, migration.Name },
                    transaction: transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
            }
            return before;
        }
        finally
        {
            await connection.ExecuteAsync($"SELECT pg_advisory_unlock({PostgresDialect.MigrationLock})");
        }
    }

    public static async Task<long> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        if (SqlDialect.Of(connection).Provider == DatabaseProvider.PostgreSQL)
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE (SELECT coalesce(max(version), 0) FROM schema_migrations) END",
                cancellationToken: cancellationToken));
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

    private static List<Migration> LoadEmbedded(string folder)
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(folder, StringComparison.Ordinal)) continue;
            var match = MigrationName().Match(name[folder.Length..]);
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

    [GeneratedRegex(@"^(?<name>(?<version>\d{4})_[a-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
