using Dapper;

namespace PerspectivesApi.Tests;

/// <summary>When the archive itself fails, clients get a 500 problem with a trace id, never a
/// stack trace or a half-written body; readiness reports the broken database.</summary>
public sealed class FailureTests : IDisposable
{
    private readonly ArchiveApp app = new();

    [Fact]
    public async Task A_server_error_is_a_500_problem_without_internals()
    {
        await using (var connection = await app.OpenAsync())
            await connection.ExecuteAsync((app.Postgres is null ? "PRAGMA foreign_keys = OFF; " : "") + "ALTER TABLE stances RENAME TO stances_elsewhere;");

        using var response = await app.CreateClient().GetAsync("/v1/stances");
        var problem = await ProblemAssert.IsProblemAsync(response, 500);
        var body = problem.ToString();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("SqliteException", body);
        Assert.DoesNotContain("no such table", body);
        Assert.DoesNotContain("PostgresException", body);
        Assert.DoesNotContain("does not exist", body);
        Assert.DoesNotContain(".cs:line", body);
    }

    [Fact]
    public async Task Readiness_fails_with_a_503_problem_when_the_schema_is_not_the_expected_version()
    {
        await using (var connection = await app.OpenAsync())
            await connection.ExecuteAsync(app.Postgres is null ? "PRAGMA user_version = 0" : "DELETE FROM schema_migrations");

        using var live = await app.CreateClient().GetAsync("/health/live");
        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        using var ready = await app.CreateClient().GetAsync("/health/ready");
        var problem = await ProblemAssert.IsProblemAsync(ready, 503);
        Assert.Contains("Schema version 0", problem.GetProperty("detail").GetString());
    }

    public void Dispose() => app.Dispose();
}
