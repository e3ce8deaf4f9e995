using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>A service whose writes wait at most one second for the archive's write lock.</summary>
public sealed class ArchiveWithShortBusyTimeout : ArchiveApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Database:BusyTimeoutSeconds", "1");
    }
}

/// <summary>Writers take turns on one write lock, whoever holds it: another process on SQLite's file, another
/// replica on PostgreSQL (its advisory lock). A write that cannot have it within the busy timeout is a 503
/// problem with Retry-After and leaves nothing behind.</summary>
public sealed class WriteLockTests(ArchiveWithShortBusyTimeout app) : IClassFixture<ArchiveWithShortBusyTimeout>
{
    [Fact]
    public async Task A_write_locked_out_past_the_busy_timeout_by_another_writer_is_a_503_and_writes_nothing()
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync("lock-" + Guid.NewGuid().ToString("N")[..8]);
        var curator = app.CreateClient();
        curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        // Another writer (a connection of its own, as another process or replica would have) holds the write lock.
        await using var other = await app.OpenAsync();
        await other.ExecuteAsync(new CommandDefinition(SqlDialect.Of(other).BeginWrite, commandType: System.Data.CommandType.Text));
        var clock = Stopwatch.StartNew();
        using var refused = await curator.PostAsJsonAsync("/v1/outlets", new { id = "written-after-the-lock", name = "After the lock" }).WaitAsync(TimeSpan.FromSeconds(60));
        clock.Stop();
        await other.ExecuteAsync(new CommandDefinition("ROLLBACK", commandType: System.Data.CommandType.Text));

        var problem = await ProblemAssert.IsProblemAsync(refused, 503);
        Assert.Equal("/problems/unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"answered after {clock.Elapsed}: it did not wait for the lock");

        using var retried = await curator.PostAsJsonAsync("/v1/outlets", new { id = "written-after-the-lock", name = "After the lock" });
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
    }
}
