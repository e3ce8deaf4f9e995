using Dapper;
using Microsoft.Extensions.DependencyInjection;
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
        var tables = (await connection.QueryAsync<string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '%fts_%' AND name NOT LIKE 'sqlite_%' ORDER BY name")).ToList();
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
        if (app.Postgres is not null)
        {
            // A replica of a newer build has recorded a version this one does not know.
            await using var server = new Npgsql.NpgsqlConnection(app.Postgres.ConnectionString);
            await server.OpenAsync();
            await server.ExecuteAsync($"CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()); " +
                                      $"INSERT INTO schema_migrations (version, name) VALUES ({Migrator.Postgres.Count + 1}, 'from_the_future')");
        }
        else
        {
            await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
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
    public async Task An_archive_at_schema_6_with_curator_edits_migrates_to_7_keeps_them_and_derives_only_what_it_already_said()
    {
        var path = NewDatabasePath();
        await SchemaSixArchive.CreateAsync(path);
        var database = new Database(path);
        Assert.Equal(6, await new Migrator(database).MigrateAsync());
        await using var connection = await database.OpenAsync();
        Assert.Equal(Migrator.LatestVersion, await Migrator.CurrentVersionAsync(connection));

        // Nothing curated is lost: every row, the curators' edits and deletion, the 'quoted' credits and the history.
        Assert.Equal((4L, 8L, 8L, 5L, 36L), await connection.QuerySingleAsync<(long, long, long, long, long)>(
            "SELECT (SELECT count(*) FROM outlets), (SELECT count(*) FROM authors), (SELECT count(*) FROM topics), (SELECT count(*) FROM articles), (SELECT count(*) FROM stances)"));
        Assert.Equal(SchemaSixArchive.EditedSummary, await connection.ExecuteScalarAsync<string>("SELECT summary FROM stances WHERE id = @id", new { id = SchemaSixArchive.EditedStance }));
        Assert.Equal(SchemaSixArchive.EditedDescription, await connection.ExecuteScalarAsync<string>("SELECT description FROM topics WHERE id = @id", new { id = SchemaSixArchive.EditedTopic }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM stances WHERE id = @id", new { id = SchemaSixArchive.DeletedStance }));
        Assert.Equal(4, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM credits WHERE role = 'quoted'"));
        Assert.Equal(65, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM revisions"));

        // What the old rows already said is written into the new fields; what they did not say stays NULL.
        var stances = (await connection.QueryAsync<(string Id, string? Kind, string? Via, string? Held, string? Precision, string? Method, string? Curator, string? Confidence)>(
            "SELECT id, attribution_kind, attribution_via, held_date, held_precision, method, curator, confidence FROM stances")).ToDictionary(s => s.Id);
        Assert.Equal(("own-words", null, "2025-07-04", "day", "curated", "seed-corpus"), Reading("ismailov-rift-point-of-no-return"));
        Assert.Equal(("quoted", null, "2025-07-23", "day", "curated", "seed-corpus"), Reading("peskov-difficult-time-will-pass")); // credited 'quoted'; via unknown
        Assert.Equal(("editorial", null, "2022-02-22", "day", "curated", "seed-corpus"), Reading("putin-aliyev-game-dying-empire")); // no voice: the editorial one
        Assert.Equal(("own-words", null, "2025-07", "month", "curated", "seed-corpus"), Reading("preobrazhensky-kremlin-losing-south-caucasus"));
        Assert.Equal(("editorial", null, "2022-02-22", "day", "curated", "alice"), Reading(SchemaSixArchive.AlicesStance));
        Assert.Equal(("own-words", null, "2025-07-04", "day", "imported", "bob"), Reading(SchemaSixArchive.ImportedStance));
        Assert.All(stances.Values, s => Assert.Null(s.Confidence)); // never recorded: not guessed
        Assert.Equal(["person"], await connection.QueryAsync<string>("SELECT DISTINCT kind FROM authors"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM topics WHERE time_dependent IS NOT NULL"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM articles WHERE capture_notes <> '[]' OR republished_from_date IS NOT NULL"));

        // The tallies hold the new groupings and equal a full recount.
        Assert.Empty(await connection.QueryAsync(PerspectivesApi.Topics.TopicTallies.Drift));
        Assert.Equal(["all", "attribution", "author", "held_month", "held_year", "month", "outlet", "voice_kind"],
            await connection.QueryAsync<string>("SELECT DISTINCT dimension FROM topic_tallies ORDER BY 1"));

        (string?, string?, string?, string?, string?, string?) Reading(string id) =>
            (stances[id].Kind, stances[id].Via, stances[id].Held, stances[id].Precision, stances[id].Method, stances[id].Curator);
    }

    [Fact]
    public async Task The_service_serves_a_migrated_archive_and_refuses_a_new_quoted_credit_but_keeps_the_old_ones()
    {
        using var app = new ArchiveApp();
        await SchemaSixArchive.CreateForAsync(app);
        var peskov = await app.GetJsonAsync("/v1/stances/peskov-difficult-time-will-pass");
        Assert.Equal("quoted", peskov.GetProperty("attribution").GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, peskov.GetProperty("attribution").GetProperty("via").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, peskov.GetProperty("confidence").ValueKind);
        var editorial = await app.GetJsonAsync("/v1/stances/putin-aliyev-game-dying-empire");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, editorial.GetProperty("author").ValueKind);
        Assert.Equal("editorial", editorial.GetProperty("attribution").GetProperty("kind").GetString());
        var article = await app.GetJsonAsync("/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war");
        Assert.Equal(4, article.GetProperty("credits").EnumerateArray().Count(c => c.GetProperty("role").GetString() == "quoted"));

        // A curator may edit the article with its old 'quoted' credits, but not add a new one.
        var (_, secret) = await app.Services.GetRequiredService<PerspectivesApi.Curation.ApiKeys>().CreateAsync("carol");
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        async Task<HttpResponseMessage> PatchAsync(object patch)
        {
            var etag = (await client.GetAsync("/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war")).Headers.ETag!;
            var request = new HttpRequestMessage(HttpMethod.Patch, "/v1/articles/kremlin-fears-russia-azerbaijan-brink-of-war")
            {
                Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(patch), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.IfMatch.Add(etag);
            return await client.SendAsync(request);
        }
        using (var kept = await PatchAsync(new { title = "Kremlin fears: Is Russia-Azerbaijan on the brink of war? (edited)" }))
            Assert.Equal(System.Net.HttpStatusCode.OK, kept.StatusCode);
        var credits = article.GetProperty("credits").EnumerateArray().Select(c => new { author = c.GetProperty("author").GetProperty("id").GetString(), role = c.GetProperty("role").GetString() })
            .Append(new { author = (string?)"aslan-ismailov", role = (string?)"quoted" }).ToArray();
        using var refused = await PatchAsync(new { credits });
        var problem = await ProblemAssert.IsProblemAsync(refused, 422);
        Assert.Contains("deprecated", problem.GetProperty("errors").GetProperty("credits[4].role")[0].GetString());
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
