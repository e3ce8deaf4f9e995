using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

public sealed class MigrationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-migrations-").FullName;

    private string NewDatabasePath() => Path.Combine(directory, $"{Guid.NewGuid():N}.db");

    [Fact]
    public async Task An_empty_database_migrates_to_the_current_version()
    {
        var database = new Database(NewDatabasePath());
        var before = await new Migrator(database).MigrateAsync();

        Assert.Equal(0, before);
        await using var connection = await database.OpenAsync();
        Assert.Equal(Migrator.LatestVersion, await Migrator.CurrentVersionAsync(connection));
        var tables = (await connection.QueryAsync<string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '%fts_%' ORDER BY name")).ToList();
        Assert.Equal(["api_keys", "articles", "articles_fts", "authors", "credits", "idempotency", "meta", "outlets", "revisions", "stances", "stances_fts", "topic_tallies", "topics"], tables);
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Migrating_twice_changes_nothing()
    {
        var database = new Database(NewDatabasePath());
        await new Migrator(database).MigrateAsync();
        var again = await new Migrator(database).MigrateAsync();
        Assert.Equal(Migrator.LatestVersion, again);
    }

    [Fact]
    public async Task A_database_newer_than_the_code_is_refused_with_a_clear_message_and_left_untouched()
    {
        var path = NewDatabasePath();
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE TABLE future (x INTEGER); PRAGMA user_version = {Migrator.LatestVersion + 5};");
        }
        SqliteConnection.ClearAllPools();

        var error = await Assert.ThrowsAsync<SchemaTooNewException>(() => new Migrator(new Database(path)).MigrateAsync());
        Assert.Contains($"version {Migrator.LatestVersion + 5}", error.Message);
        Assert.Contains($"up to {Migrator.LatestVersion}", error.Message);

        await using var check = await new Database(path).OpenAsync();
        Assert.Equal(Migrator.LatestVersion + 5, await Migrator.CurrentVersionAsync(check));
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE name = 'articles'"));
    }

    [Fact]
    public async Task The_service_refuses_to_start_on_a_newer_database()
    {
        using var app = new ArchiveApp();
        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath}"))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"PRAGMA user_version = {Migrator.LatestVersion + 1};");
        }
        SqliteConnection.ClearAllPools();
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.IsType<SchemaTooNewException>(error.GetBaseException());
    }

    [Fact]
    public async Task A_migration_that_fails_half_way_leaves_the_database_at_its_previous_version()
    {
        var database = new Database(NewDatabasePath());
        var broken = new Migrator.Migration(Migrator.LatestVersion + 1, "broken",
            "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);");
        var migrator = new Migrator(database, [.. Migrator.All, broken]);

        await Assert.ThrowsAsync<SqliteException>(() => migrator.MigrateAsync());

        await using var connection = await database.OpenAsync();
        Assert.Equal(Migrator.LatestVersion, await Migrator.CurrentVersionAsync(connection));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE name = 'articles'"));
    }

    [Fact]
    public async Task A_service_that_waited_for_another_ones_migration_does_not_apply_it_again()
    {
        // Another service holds the write lock and applies the migration, while this one has
        // already read the old version and waits for the lock. It must not run the script again.
        var path = NewDatabasePath();
        await using (var create = new SqliteConnection($"Data Source={path}"))
        {
            await create.OpenAsync();
            await create.ExecuteAsync("PRAGMA journal_mode = WAL");
        }
        await using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        await other.OpenAsync();
        await using var otherMigration = (SqliteTransaction)await other.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
        await other.ExecuteAsync(Migrator.All[0].Sql + $"; PRAGMA user_version = {Migrator.All[0].Version};", transaction: otherMigration);

        var waiting = Task.Run(() => new Migrator(new Database(path)).MigrateAsync());
        await Task.Delay(500); // it reads version 0, then blocks on BEGIN IMMEDIATE
        Assert.False(waiting.IsCompleted);
        await otherMigration.CommitAsync();

        Assert.Equal(0, await waiting); // it had read version 0 …
        await using var connection = await new Database(path).OpenAsync();
        Assert.Equal(Migrator.LatestVersion, await Migrator.CurrentVersionAsync(connection)); // … and did not fail re-running 0001
    }

    [Fact]
    public async Task Every_connection_enforces_foreign_keys()
    {
        var database = new Database(NewDatabasePath());
        await new Migrator(database).MigrateAsync();
        for (var i = 0; i < 3; i++) // pooled connections too
        {
            await using var connection = await database.OpenAsync();
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
            Assert.Equal(5000, await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
            await Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync(
                "INSERT INTO stances (id, topic_id, article_id, position, quote, quote_start, quote_end, summary) VALUES ('s', 'no-topic', 'no-article', 'supports', 'q', 0, 1, 's')"));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
