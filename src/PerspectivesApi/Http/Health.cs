using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

/// <summary>Ready when the database answers and its schema is the version this build expects.</summary>
public sealed class ArchiveReadyCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var version = await Migrator.CurrentVersionAsync(connection, cancellationToken);
            var latest = Migrator.LatestVersionOf(database.Provider);
            return version == latest
                ? HealthCheckResult.Healthy($"Schema version {version}.")
                : HealthCheckResult.Unhealthy($"Schema version {version}; this build expects {latest}.");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("The database cannot be opened.", exception);
        }
    }
}

public static class Health
{
    public static IServiceCollection AddArchiveHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ArchiveReadyCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the database is
    /// reachable and migrated. An unhealthy answer is a 503 problem like every other error.</summary>
    public static void MapArchiveHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteAsync });
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.Headers.CacheControl = "no-store";
        var checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description });
        if (report.Status == HealthStatus.Healthy)
        {
            http.Response.ContentType = "application/json";
            return http.Response.WriteAsync(JsonSerializer.Serialize(new { status = "Healthy", checks }));
        }
        http.Response.ContentType = "application/problem+json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            type = "/problems/not-ready",
            title = "The archive is not ready",
            status = http.Response.StatusCode,
            detail = string.Join(" ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}")),
            instance = http.Request.Path.Value,
            checks,
        }));
    }
}
