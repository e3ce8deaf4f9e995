using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;

namespace PerspectivesApi.Http;

/// <summary>How much a request may send, and how slowly: the <c>RequestLimits</c> section. Past a limit
/// the request is answered with a problem (413, 408) and nothing of its body is used.</summary>
public sealed class RequestLimitsOptions
{
    public const string Section = "RequestLimits";

    private const long MiB = 1024 * 1024;

    /// <summary>The largest body of a route that names no larger one: writes to outlets, authors, topics
    /// and stances, whose biggest honest document is a few kilobytes.</summary>
    public long MaxBodyBytes { get; set; } = 1 * MiB;

    /// <summary>Writes to articles: an article's body may hold 1,000,000 characters, and a client's JSON
    /// encoder may send each one as a six-byte <c>\uXXXX</c> escape (System.Text.Json does, for non-ASCII).</summary>
    public long MaxArticleBodyBytes { get; set; } = 8 * MiB;

    /// <summary>POST /v1/imports: a manifest of many articles at once. Larger archives go in several imports.</summary>
    public long MaxImportBodyBytes { get; set; } = 64 * MiB;

    /// <summary>The slowest a body may arrive once <see cref="MinBodyRateGraceSeconds"/> have passed
    /// (Kestrel's MinRequestBodyDataRate; 0 turns the check off). Any honest client sends far faster.</summary>
    public int MinBodyBytesPerSecond { get; set; } = 240;

    public int MinBodyRateGraceSeconds { get; set; } = 5;

    /// <summary>The most time a whole body may take, however steadily it arrives. A body is read in full
    /// before its write starts, so a slow one holds no lock; this bounds the connection and memory it holds.</summary>
    public int BodyTimeoutSeconds { get; set; } = 60;

    public TimeSpan BodyTimeout => TimeSpan.FromSeconds(BodyTimeoutSeconds);
}

public static class RequestLimits
{
    /// <summary>Kestrel's limits from the <c>RequestLimits</c> section, and the handler that turns the
    /// errors of a request (too large, too slow, unreadable) and a busy database into problems.</summary>
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestLimitsOptions>()
            .Bind(configuration.GetSection(RequestLimitsOptions.Section))
            .Validate(o => o.MaxBodyBytes > 0 && o.MaxArticleBodyBytes > 0 && o.MaxImportBodyBytes > 0, "RequestLimits: every Max…BodyBytes must be positive.")
            .Validate(o => o.MinBodyBytesPerSecond >= 0 && o.MinBodyRateGraceSeconds >= 1 && o.BodyTimeoutSeconds >= 1,
                "RequestLimits: MinBodyBytesPerSecond must be 0 or more, MinBodyRateGraceSeconds and BodyTimeoutSeconds at least 1.")
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>>((kestrel, options) =>
        {
            var limits = options.Value;
            // Every route gets the small limit; the few that take more say so (WithRequestBodyLimit).
            kestrel.Limits.MaxRequestBodySize = limits.MaxBodyBytes;
            kestrel.Limits.MinRequestBodyDataRate = limits.MinBodyBytesPerSecond == 0
                ? null
                : new MinDataRate(limits.MinBodyBytesPerSecond, TimeSpan.FromSeconds(limits.MinBodyRateGraceSeconds));
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    /// <summary>Lets the endpoints take bodies up to the limit <paramref name="limit"/> picks from the
    /// options, instead of <see cref="RequestLimitsOptions.MaxBodyBytes"/> (routing applies it to Kestrel).</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, Func<RequestLimitsOptions, long> limit)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(
            new RequestBodyLimit(limit(endpoint.ApplicationServices.GetRequiredService<IOptions<RequestLimitsOptions>>().Value))));
        return builder;
    }

    private sealed record RequestBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

    /// <summary>The whole request body, read before any work starts (no transaction ever waits on the
    /// network), within <see cref="RequestLimitsOptions.BodyTimeout"/>; past it, a 408.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var timeout = http.RequestServices.GetRequiredService<IOptions<RequestLimitsOptions>>().Value.BodyTimeout;
        var reader = http.Request.BodyReader;
        var gate = new Lock();
        bool read = false, timedOut = false;
        // The deadline ends a pending read with CancelPendingRead, not a cancellation token: a read cancelled
        // through its token leaves Kestrel's body reader mid-read, and Kestrel then cannot drain the rest
        // of the body after the answer (it logs an error and drops the connection).
        await using var deadline = new Timer(_ =>
        {
            lock (gate)
            {
                if (read) return;
                timedOut = true;
                reader.CancelPendingRead();
            }
        }, null, timeout, Timeout.InfiniteTimeSpan);

        using var body = new MemoryStream(http.Request.ContentLength is > 0 and < 1024 * 1024 ? (int)http.Request.ContentLength : 0);
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer) body.Write(segment.Span);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                lock (gate) read = true;
                return body.ToArray();
            }
            if (result.IsCanceled && Volatile.Read(ref timedOut))
                throw new RequestBodyTimeoutException(
                    $"The request body did not arrive within {timeout.TotalSeconds:0} seconds ({body.Length:N0} bytes came). Send it in one go; nothing was written.");
        }
    }
}

/// <summary>A body that took longer than <see cref="RequestLimitsOptions.BodyTimeout"/>, however steadily it came.</summary>
public sealed class RequestBodyTimeoutException(string message) : BadHttpRequestException(message, StatusCodes.Status408RequestTimeout);
