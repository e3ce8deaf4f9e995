using Microsoft.AspNetCore.OutputCaching;
using System.Data.Common;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

/// <summary>Settings of the server-side response cache (<c>ResponseCache</c> section).</summary>
public sealed class ResponseCacheOptions
{
    /// <summary>Off, every read is computed from the database (the benchmark measures both).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The most memory the cached responses may take, in megabytes.</summary>
    public int SizeLimitMegabytes { get; set; } = 64;
}

/// <summary>The archive's revision: a number the database bumps on every write to any table,
/// whichever process or code path makes it (db/migrations/0003_revision.sql).</summary>
public sealed class ArchiveRevision(Database database) : IDisposable
{
    /// <summary>Reads the revision on any connection to the archive (or a snapshot of it).</summary>
    public const string Query = "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'revision'";

    private readonly Lock gate = new();
    private DbConnection? connection;
    private DbCommand? read;

    /// <summary>The current revision, read from the database on every call (a few microseconds: one
    /// connection kept open with its statement prepared), so it can never be out of date.</summary>
    public long Current()
    {
        lock (gate)
        {
            try
            {
                if (read is null)
                {
                    connection = database.OpenRead();
                    read = connection.CreateCommand();
                    read.CommandText = Query;
                    read.Prepare();
                }
                return Convert.ToInt64(read.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch
            {
                // Opened again on the next call: a broken connection must not stay cached.
                Close();
                throw;
            }
        }
    }

    private void Close()
    {
        read?.Dispose();
        connection?.Dispose();
        read = null;
        connection = null;
    }

    public void Dispose()
    {
        lock (gate) Close();
    }
}

/// <summary>Keeps the JSON read responses, and the explorer's pages made from them, in memory, keyed by
/// URL, Accept header and the archive's revision. Any write anywhere moves the revision, so a cached
/// answer is never served after the data changed; entries of past revisions are simply never asked for
/// again and age out under the size limit. Exports, curators' (authenticated) requests and anything but a 200 JSON answer or page are never kept.</summary>
public sealed class ArchiveCachePolicy(ArchiveRevision revision, ILogger<ArchiveCachePolicy> logger) : IOutputCachePolicy
{
    public const string Tag = "archive";

    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var request = context.HttpContext.Request;
        var cacheable = HttpMethods.IsGet(request.Method)
            && ((request.Path.StartsWithSegments("/v1") && !request.Path.StartsWithSegments("/v1/export")) || Explorer.ApiSource.Of(context.HttpContext) is not null)
            && !request.Query.ContainsKey("format")
            && request.Headers.Authorization.Count == 0;
        if (cacheable)
        {
            try
            {
                context.CacheVaryByRules.VaryByValues["revision"] = revision.Current().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (DbException exception)
            {
                // Without a revision nothing can be proven fresh: compute this answer, and keep nothing.
                logger.LogWarning(exception, "The archive revision could not be read; the response cache is bypassed");
                cacheable = false;
            }
        }
        // The exact path and query, as sent: ids and filter values are case-sensitive, and a query the
        // service would refuse (an unknown or misspelt parameter) must not match one it answered.
        context.CacheVaryByRules.VaryByValues["path"] = request.Path.Value ?? "";
        context.CacheVaryByRules.VaryByValues["query"] = request.QueryString.Value ?? "";
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true; // concurrent misses of one key compute it once
        // The same URL answers CSV or NDJSON by content negotiation: each Accept gets its own entry.
        context.CacheVaryByRules.HeaderNames = "Accept";
        context.ResponseExpirationTimeSpan = TimeSpan.FromHours(1);
        context.Tags.Add(Tag);
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK
            || !(response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true || response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true)
            || response.Headers.SetCookie.Count > 0)
            context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}

public static class ResponseCaching
{
    public static IServiceCollection AddArchiveResponseCache(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("ResponseCache").Get<ResponseCacheOptions>() ?? new ResponseCacheOptions();
        services.AddSingleton(options);
        services.AddSingleton<ArchiveRevision>();
        services.AddSingleton<ArchiveCachePolicy>();
        services.AddOutputCache(cache =>
        {
            cache.SizeLimit = options.SizeLimitMegabytes * 1024L * 1024L;
            cache.MaximumBodySize = 2 * 1024 * 1024; // a page or a summary is tens of kilobytes
            cache.UseCaseSensitivePaths = true;
        });
        services.AddOptions<OutputCacheOptions>().Configure<ArchiveCachePolicy>((cache, policy) => cache.AddBasePolicy(policy));
        return services;
    }

    public static IApplicationBuilder UseArchiveResponseCache(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<ResponseCacheOptions>().Enabled) app.UseOutputCache();
        return app;
    }
}
