using System.Threading.RateLimiting;

namespace PerspectivesApi.Http;

/// <summary>Settings of the gate for expensive reads (<c>ExpensiveReads</c> section).</summary>
public sealed class ExpensiveReadOptions
{
    /// <summary>How many expensive reads run at once; 0 means one per processor.</summary>
    public int AtOnce { get; set; }

    /// <summary>How many more may wait for their turn; past that, a 503 with Retry-After.</summary>
    public int Queued { get; set; } = 256;

    public int Permits => AtOnce > 0 ? AtOnce : Environment.ProcessorCount;

    public void Validate()
    {
        if (AtOnce < 0) throw new InvalidOperationException("ExpensiveReads:AtOnce must be 0 (one per processor) or more.");
        if (Queued < 0) throw new InvalidOperationException("ExpensiveReads:Queued must be 0 or more.");
    }
}

/// <summary>Runs the reads whose work grows with the archive (<see cref="RequestCost.Expensive"/>: full-text search, facets,
/// counts) a few at a time, one per core by default, the others waiting in arrival order. Their work is SQLite's, on the
/// CPU: 32 of them at once only time-sliced two cores among 32 statements, each finishing late, in no order (a common
/// word's p99 under 32 connections 175–250 ms; in turn, 126–139 ms, with more of them answered per second: bench/PERF.md).
/// Cheap reads, cached answers and exports (which have their own limits) never wait here. This is not the rate limiter,
/// which is per client and refuses: this orders the work of everyone, and refuses only past a bounded queue.</summary>
public sealed class ExpensiveReadGate(ExpensiveReadOptions options) : IDisposable
{
    private readonly ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Permits,
        QueueLimit = options.Queued,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Waits for a turn; the lease is not acquired when the queue is full. Dispose it when the work is done.</summary>
    public ValueTask<RateLimitLease> WaitAsync(CancellationToken cancellationToken) => limiter.AcquireAsync(1, cancellationToken);

    /// <summary>How many are waiting for a turn now.</summary>
    public long Waiting => limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    public void Dispose() => limiter.Dispose();
}

public static class ExpensiveReads
{
    public static IServiceCollection AddExpensiveReadGate(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("ExpensiveReads").Get<ExpensiveReadOptions>() ?? new ExpensiveReadOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<ExpensiveReadGate>();
        return services;
    }

    /// <summary>After the response cache, so that an answer it holds is sent without waiting; after routing, so that an
    /// explorer page costs what the API request it is made from costs.</summary>
    public static IApplicationBuilder UseExpensiveReadGate(this IApplicationBuilder app)
    {
        var gate = app.ApplicationServices.GetRequiredService<ExpensiveReadGate>();
        return app.Use(async (http, next) =>
        {
            if (RequestCosts.Classify(http.Request) != RequestCost.Expensive)
            {
                await next(http);
                return;
            }
            using var turn = await gate.WaitAsync(http.RequestAborted);
            if (!turn.IsAcquired)
            {
                await Problems.Unavailable(
                    "The archive is answering as many searches, facets and counts as it can take, and as many more are waiting. " +
                    "Retry shortly.", TimeSpan.FromSeconds(1)).ExecuteAsync(http);
                return;
            }
            await next(http);
        });
    }
}
