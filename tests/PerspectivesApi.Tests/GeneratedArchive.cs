using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Tests;

/// <summary>A synthetic archive made once per test class by the binary's own <c>generate</c> command;
/// servers start over copies of it (<see cref="RealServer.StartAsync"/>). When the tests run on PostgreSQL
/// it is generated into a database of its own, which each server's new database is made from as a template.</summary>
public abstract class GeneratedArchive(int articles, int seed) : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-generated-").FullName;
    private TestPostgres? template;

    public string Path => System.IO.Path.Combine(directory, $"generated-{articles}-{seed}.db");

    /// <summary>The PostgreSQL database the archive was generated into; null on SQLite.</summary>
    public string? PostgresTemplate => template?.Name;

    public async Task InitializeAsync()
    {
        template = TestPostgres.Enabled ? TestPostgres.Create() : null;
        await RealServer.GenerateArchiveAsync(Path, articles, seed, template?.ConnectionString);
        // A template must have no connections when a database is made from it.
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        template?.Dispose();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

/// <summary>5,000 articles and about 15,000 stances: a search within the input limits still costs about a second of CPU.</summary>
public sealed class FiveThousandArticles() : GeneratedArchive(5_000, 1);

/// <summary>20,000 articles and about 60,000 stances: an 18 MB CSV export of the stances.</summary>
public sealed class TwentyThousandArticles() : GeneratedArchive(20_000, 5);
