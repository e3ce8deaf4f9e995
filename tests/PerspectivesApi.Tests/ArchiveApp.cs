using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>The real service, in the Production environment, over its own SQLite file in a fresh
/// temporary folder: created, migrated and seeded by the service's own start-up, as on first run.
/// With ARCHIVE_TEST_PROVIDER=PostgreSQL (and ARCHIVE_TEST_PG, a connection string to a throwaway
/// cluster, as .ci/postgres.sh prints), over its own new PostgreSQL database instead.</summary>
public class ArchiveApp : WebApplicationFactory<Program>
{
    private readonly string directory;

    /// <summary>Whether this instance made its database (and so removes it), or serves another's as a replica.</summary>
    private readonly bool ownsDatabase;

    public ArchiveApp() : this(primary: null) { }

    /// <summary>A service over <paramref name="primary"/>'s database, when given: another replica of the same archive.</summary>
    protected ArchiveApp(ArchiveApp? primary)
    {
        ownsDatabase = primary is null;
        directory = primary?.directory ?? Directory.CreateTempSubdirectory("perspectives-tests-").FullName;
        Postgres = primary is null ? (TestPostgres.Enabled ? TestPostgres.Create() : null) : primary.Postgres;
    }

    public string DatabasePath => Path.Combine(directory, "archive.db");

    /// <summary>This fixture's own PostgreSQL database, when the tests run on PostgreSQL.</summary>
    public TestPostgres? Postgres { get; }

    protected virtual bool Seed => true;

    /// <summary>Off by default: TestServer requests have no client address, so every test would share
    /// one budget. RateLimitTests turn it on.</summary>
    protected virtual bool RateLimited => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Path", DatabasePath);
        if (Postgres is not null)
        {
            builder.UseSetting("Database:Provider", "PostgreSQL");
            builder.UseSetting("Database:ConnectionString", Postgres.ConnectionString);
        }
        builder.UseSetting("Database:Seed", Seed ? "true" : "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("RateLimiting:Enabled", RateLimited ? "true" : "false");
    }

    /// <summary>A connection to the same file the service uses, for tests that add their own rows
    /// or look at what the service wrote.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        _ = Services; // make sure start-up (migrations, seed) has run
        return await Services.GetRequiredService<Database>().OpenAsync();
    }

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await CreateClient().GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!ownsDatabase) return;
        SqliteConnection.ClearAllPools();
        Postgres?.Dispose();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A new, empty PostgreSQL database for one fixture, on the cluster ARCHIVE_TEST_PG names; dropped at the end.</summary>
public sealed class TestPostgres : IDisposable
{
    public const string ProviderVariable = "ARCHIVE_TEST_PROVIDER";
    public const string ServerVariable = "ARCHIVE_TEST_PG";

    /// <summary>Whether this test run is against PostgreSQL.</summary>
    public static bool Enabled =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), nameof(DatabaseProvider.PostgreSQL), StringComparison.OrdinalIgnoreCase);

    private static string Server => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException($"{ProviderVariable}=PostgreSQL needs {ServerVariable}, a connection string to a cluster the tests may create databases on (.ci/postgres.sh prints one).");

    private TestPostgres(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    /// <param name="template">A test database to copy (a generated archive), instead of an empty one.</param>
    public static TestPostgres Create(string? template = null)
    {
        var name = $"archive_test_{Guid.NewGuid():N}";
        using (var admin = new NpgsqlConnection(Server))
        {
            admin.Open();
            // The names are made here, never taken from outside.
            admin.Execute($"CREATE DATABASE {name} TEMPLATE {template ?? "template0"} ENCODING 'UTF8'");
        }
        return new TestPostgres(name, new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString());
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(Server);
        admin.Open();
        admin.Execute($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}

/// <summary>Another service instance over the same database as its primary: a replica (on SQLite, a second process
/// over the same file). Disposing it leaves the database to the primary.</summary>
public sealed class ReplicaApp(ArchiveApp primary) : ArchiveApp(primary);

/// <summary>Reads an RFC 9457 problem and checks the parts every problem must have.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        foreach (var member in new[] { "type", "title", "detail", "instance" })
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty(member).GetString()), $"the problem has no {member}: {body}");
        Assert.DoesNotContain("   at ", body); // no stack trace
        return problem;
    }

    /// <summary>A 400 whose <c>errors</c> names <paramref name="parameter"/>.</summary>
    public static async Task<JsonElement> NamesParameterAsync(HttpResponseMessage response, string parameter)
    {
        var problem = await IsProblemAsync(response, 400);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(parameter, out var messages) && messages.GetArrayLength() > 0,
            $"the problem does not name '{parameter}': {problem}");
        Assert.Contains($"'{parameter}'", problem.GetProperty("detail").GetString());
        return problem;
    }
}

public static class JsonExtensions
{
    public static IEnumerable<string> Ids(this JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!);

    public static string? NullableString(this JsonElement element, string property) =>
        element.GetProperty(property).ValueKind == JsonValueKind.Null ? null : element.GetProperty(property).GetString();
}
