using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Http;

/// <summary>A token bucket: it holds up to <see cref="Burst"/> requests and refills at
/// <see cref="Quota"/> per <see cref="WindowSeconds"/>; each request takes one. A client that has been
/// quiet may spend a burst at once, then as fast as the bucket refills.</summary>
public sealed class Budget
{
    /// <summary>Requests per window, sustained (the <c>q</c> of the RateLimit-Policy header).</summary>
    public int Quota { get; set; }

    /// <summary>The window, in seconds (the <c>w</c> of the RateLimit-Policy header).</summary>
    public int WindowSeconds { get; set; } = 60;

    /// <summary>The most requests a client may make at once after a quiet spell.</summary>
    public int Burst { get; set; }

    /// <summary>How long the bucket takes to gain one request back.</summary>
    public TimeSpan PerRequest => TimeSpan.FromSeconds((double)WindowSeconds / Quota);

    /// <summary>The bucket gains one request at a time (so that a refusal's Retry-After is as short as it
    /// can be), or a few at a time when one at a time would be more often than every millisecond.</summary>
    public TokenBucketRateLimiterOptions Bucket()
    {
        var perRefill = (int)Math.Ceiling(Quota / (WindowSeconds * 1000.0));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst, TokensPerPeriod = perRefill, ReplenishmentPeriod = TimeSpan.FromSeconds(WindowSeconds * (double)perRefill / Quota), QueueLimit = 0,
        };
    }

    public void Validate(string name)
    {
        if (Quota < 1 || WindowSeconds < 1 || Burst < 1)
            throw new InvalidOperationException($"RateLimiting:{name}: Quota, WindowSeconds and Burst must all be 1 or more; got {Quota}, {WindowSeconds} and {Burst}.");
    }
}

/// <summary>How many exports may stream at once.</summary>
public sealed class ExportLimits
{
    /// <summary>Per client.</summary>
    public int PerClient { get; set; } = 2;

    /// <summary>For the whole archive, whoever asks.</summary>
    public int Total { get; set; } = 8;
}

/// <summary>Settings of the rate limiter (<c>RateLimiting</c> section). A client is a curator's key
/// when the request is authenticated, else the client's IP address (an IPv6 client by its /64 network,
/// which one household or server usually holds whole). The defaults are sized so that one person or
/// one app never meets them in normal use, and one client alone cannot fill the server.</summary>
public sealed class RateLimitingOptions
{
    /// <summary>Off, nothing is limited and no RateLimit headers are sent (the benchmarks measure
    /// the service, not the limiter).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Every request. 10 a second sustained is more than a script paging through a collection
    /// at network speed or a web app's backend needs; a burst of a whole minute's worth covers a page
    /// load that fans out into many requests.</summary>
    public Budget Default { get; set; } = new() { Quota = 600, WindowSeconds = 60, Burst = 600 };

    /// <summary>Full-text search, facets, <c>count=true</c>, exports and the snapshot, on top of the
    /// default budget: one such request can cost what a thousand page reads cost. One a second is a
    /// person searching briskly; a burst of 20 covers a page that shows several facets and counts.</summary>
    public Budget Expensive { get; set; } = new() { Quota = 60, WindowSeconds = 60, Burst = 20 };

    /// <summary>Requests whose curator key is wrong, per IP address. Spent, every request from that address
    /// that carries an Authorization header is refused, a right key included, so that guessing keys
    /// teaches nothing; a curator who mistyped a key is back after a few seconds.</summary>
    public Budget AuthFailures { get; set; } = new() { Quota = 10, WindowSeconds = 60, Burst = 10 };

    /// <summary>Exports hold a database snapshot and a core for as long as they stream; they are never queued.</summary>
    public ExportLimits Exports { get; set; } = new();

    public void Validate()
    {
        Default.Validate(nameof(Default));
        Expensive.Validate(nameof(Expensive));
        AuthFailures.Validate(nameof(AuthFailures));
        if (Exports.PerClient < 1 || Exports.Total < 1)
            throw new InvalidOperationException($"RateLimiting:Exports: PerClient and Total must be 1 or more; got {Exports.PerClient} and {Exports.Total}.");
    }
}

/// <summary>The archive's rate limits, as one limiter for ASP.NET Core's rate-limiting middleware. Each
/// request is charged to the budgets that apply to it, in order: the default budget, the failed-key budget
/// when it carried credentials, the expensive budget when <see cref="RequestCosts"/> says it is expensive,
/// and an export slot when it is an export. The first budget that is spent refuses it; budgets already
/// charged stay charged, so hammering an exhausted budget still costs the client.</summary>
public sealed class ArchiveRateLimiter : PartitionedRateLimiter<HttpContext>
{
    public const string DefaultPolicy = "default";
    public const string ExpensivePolicy = "expensive";
    public const string AuthFailuresPolicy = "auth-failures";
    public const string ExportsPolicy = "exports";
    public const string AllExportsPolicy = "exports-total";

    /// <summary>An export refused for lack of a slot has no refill time to wait for; a few seconds is
    /// long enough not to poll, short enough for a small export to have finished.</summary>
    private static readonly TimeSpan ExportRetryAfter = TimeSpan.FromSeconds(5);

    private static readonly object ChargeItem = new();

    private readonly RateLimitingOptions options;
    private readonly PartitionedRateLimiter<string> requests;
    private readonly PartitionedRateLimiter<string> expensive;
    private readonly PartitionedRateLimiter<string> authFailures;
    private readonly PartitionedRateLimiter<string> exportsPerClient;
    private readonly ConcurrencyLimiter allExports;

    /// <summary>The <c>RateLimit-Policy</c> header (draft-ietf-httpapi-ratelimit-headers): the same on every answer.</summary>
    public string PolicyHeader { get; }

    public ArchiveRateLimiter(RateLimitingOptions options)
    {
        this.options = options;
        requests = TokenBuckets(options.Default);
        expensive = TokenBuckets(options.Expensive);
        authFailures = TokenBuckets(options.AuthFailures);
        exportsPerClient = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetConcurrencyLimiter(client,
            _ => new ConcurrencyLimiterOptions { PermitLimit = options.Exports.PerClient, QueueLimit = 0 }));
        allExports = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = options.Exports.Total, QueueLimit = 0 });
        PolicyHeader = string.Join(", ",
            Policy(DefaultPolicy, options.Default), Policy(ExpensivePolicy, options.Expensive), Policy(AuthFailuresPolicy, options.AuthFailures));
    }

    private static string Policy(string name, Budget budget) => $"\"{name}\";q={budget.Quota};w={budget.WindowSeconds}";

    // One bucket per client, created on its first request; the partitioned limiter refills them all on one
    // timer and forgets a bucket once it is full again, so memory follows the active clients only.
    private static PartitionedRateLimiter<string> TokenBuckets(Budget budget) =>
        PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => budget.Bucket()));

    /// <summary>Who a request is charged to, worked out once per request.</summary>
    private sealed record Charge(RequestCost Cost, string Client, string Address, bool Credentials, bool Authenticated, bool Exempt);

    private static Charge ChargeOf(HttpContext http)
    {
        if (http.Items.TryGetValue(ChargeItem, out var known)) return (Charge)known!;
        var address = AddressOf(http.Connection.RemoteIpAddress);
        // The authentication middleware ran before the limiter and looked the key up once: its id, never
        // the secret, names the curator's budget.
        var keyId = http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst(CuratorAuthentication.KeyIdClaim)?.Value : null;
        var charge = new Charge(
            RequestCosts.Classify(http.Request),
            keyId is null ? address : "key:" + keyId,
            address,
            Credentials: http.Request.Headers.Authorization.Count > 0,
            Authenticated: keyId is not null,
            // Health probes come from the load balancer, often through the same proxy as everyone: refusing
            // them would take a healthy instance out of service.
            Exempt: http.Request.Path.StartsWithSegments("/health"));
        http.Items[ChargeItem] = charge;
        return charge;
    }

    /// <summary>The budget key of an address. Without one (TestServer, a Unix socket) every such request
    /// shares one budget.</summary>
    public static string AddressOf(IPAddress? address)
    {
        if (address is null) return "ip:unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
            return "ip:" + new IPAddress(bytes) + "/64";
        }
        return "ip:" + address;
    }

    protected override RateLimitLease AttemptAcquireCore(HttpContext http, int permitCount)
    {
        // After a refusal the middleware asks once more, to queue; nothing queues here, and the request
        // must not pay twice.
        if (http.Items.TryGetValue(typeof(Refusal), out var refused)) return (Refusal)refused!;
        var charge = ChargeOf(http);
        if (charge.Exempt) return Granted.Instance;

        using (var lease = requests.AttemptAcquire(charge.Client))
            if (!lease.IsAcquired) return Refuse(http, DefaultPolicy, lease, DefaultDetail(), options.Default.PerRequest);
        if (charge.Credentials)
        {
            // A wrong key spends a token; a right one only needs a whole token to be left (asking the bucket
            // for zero tokens would succeed on any fraction of one).
            using var lease = charge.Authenticated
                ? (authFailures.GetStatistics(charge.Address)?.CurrentAvailablePermits ?? 1) >= 1 ? Granted.Instance : Refused.Instance
                : authFailures.AttemptAcquire(charge.Address);
            if (!lease.IsAcquired) return Refuse(http, AuthFailuresPolicy, lease, AuthFailuresDetail(), options.AuthFailures.PerRequest);
        }
        if (charge.Cost is RequestCost.Cheap) return Granted.Instance;
        using (var lease = expensive.AttemptAcquire(charge.Client))
            if (!lease.IsAcquired) return Refuse(http, ExpensivePolicy, lease, ExpensiveDetail(), options.Expensive.PerRequest);
        if (charge.Cost is not RequestCost.Export) return Granted.Instance;

        var clientSlot = exportsPerClient.AttemptAcquire(charge.Client);
        if (!clientSlot.IsAcquired)
            return Refuse(http, ExportsPolicy, clientSlot,
                $"This client already has {options.Exports.PerClient} exports streaming, the most one client may run at once. " +
                $"Retry when one of them has finished, in {Seconds(ExportRetryAfter)} seconds at the earliest.", ExportRetryAfter);
        var archiveSlot = allExports.AttemptAcquire();
        if (!archiveSlot.IsAcquired)
        {
            clientSlot.Dispose();
            return Refuse(http, AllExportsPolicy, archiveSlot,
                $"The archive is already streaming {options.Exports.Total} exports, the most it runs at once. Retry in {Seconds(ExportRetryAfter)} seconds.",
                ExportRetryAfter);
        }
        // Held until the response has been written: the middleware disposes it when the request leaves.
        return new ExportSlots(clientSlot, archiveSlot);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext http, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(http, permitCount));

    public override RateLimiterStatistics? GetStatistics(HttpContext http) => requests.GetStatistics(ChargeOf(http).Client);

    private string DefaultDetail() =>
        $"This client has spent its request budget: {Describe(options.Default)}.";

    private string ExpensiveDetail() =>
        $"This client has spent its budget for expensive requests (full-text search, facets, count=true and exports): " +
        $"{Describe(options.Expensive)}. Other reads are not affected.";

    private string AuthFailuresDetail() =>
        $"Too many requests from this address carried a curator key that is not valid ({Describe(options.AuthFailures)}); " +
        "until the budget refills, every request from it with an Authorization header is refused.";

    private static string Describe(Budget budget) =>
        $"{budget.Quota} requests per {budget.WindowSeconds} seconds, in bursts of up to {budget.Burst}";

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <param name="wait">How long until the budget has room again, when the spent limiter cannot say.</param>
    private static Refusal Refuse(HttpContext http, string policy, RateLimitLease lease, string detail, TimeSpan wait)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var refill) && refill > TimeSpan.Zero) wait = refill;
        var refusal = new Refusal(policy, Seconds(wait), $"{detail} Retry in {Seconds(wait)} second{(Seconds(wait) == 1 ? "" : "s")}.");
        http.Items[typeof(Refusal)] = refusal;
        return refusal;
    }

    /// <summary>Writes the <c>RateLimit-Policy</c> and <c>RateLimit</c> headers of a response: for each
    /// budget this client has, what is left (<c>r</c>) and in how many seconds the bucket is full
    /// again (<c>t</c>), as the limiter holds them now.</summary>
    public void WriteHeaders(HttpContext http)
    {
        var charge = ChargeOf(http);
        // A refused budget says 0 even if a token has trickled back since: that is what the refusal was
        // decided on, and the client is to wait for Retry-After, not to try again at once.
        var refused = http.Items.TryGetValue(typeof(Refusal), out var refusal) ? ((Refusal)refusal!).Policy : null;
        var state = new StringBuilder(96);
        Append(state, DefaultPolicy, options.Default, requests.GetStatistics(charge.Client), refused);
        Append(state, ExpensivePolicy, options.Expensive, expensive.GetStatistics(charge.Client), refused);
        if (charge.Credentials) Append(state, AuthFailuresPolicy, options.AuthFailures, authFailures.GetStatistics(charge.Address), refused);
        var headers = http.Response.Headers;
        headers["RateLimit-Policy"] = PolicyHeader;
        headers["RateLimit"] = state.ToString();
    }

    private static void Append(StringBuilder header, string policy, Budget budget, RateLimiterStatistics? statistics, string? refused)
    {
        var remaining = policy == refused ? 0 : Math.Clamp(statistics?.CurrentAvailablePermits ?? budget.Burst, 0, budget.Burst);
        var untilFull = (int)Math.Ceiling((budget.Burst - remaining) * budget.PerRequest.TotalSeconds);
        if (header.Length > 0) header.Append(", ");
        header.Append(CultureInfo.InvariantCulture, $"\"{policy}\";r={remaining};t={untilFull}");
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        requests.Dispose();
        expensive.Dispose();
        authFailures.Dispose();
        exportsPerClient.Dispose();
        allExports.Dispose();
    }

    /// <summary>A request the budgets allow, holding nothing.</summary>
    private sealed class Granted : RateLimitLease
    {
        public static readonly Granted Instance = new();
        public override bool IsAcquired => true;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata) { metadata = null; return false; }
    }

    /// <summary>A refusal whose wait the caller works out.</summary>
    private sealed class Refused : RateLimitLease
    {
        public static readonly Refused Instance = new();
        public override bool IsAcquired => false;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata) { metadata = null; return false; }
    }

    /// <summary>An export's two slots, its client's and the archive's, given back together.</summary>
    private sealed class ExportSlots(RateLimitLease client, RateLimitLease archive) : RateLimitLease
    {
        public override bool IsAcquired => true;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata) { metadata = null; return false; }

        protected override void Dispose(bool disposing)
        {
            if (!disposing) return;
            archive.Dispose();
            client.Dispose();
        }
    }
}

/// <summary>Why a request was refused: the budget that is spent, and when to come back.</summary>
public sealed class Refusal(string policy, int retryAfterSeconds, string detail) : RateLimitLease
{
    public const string Type = "/problems/rate-limited";

    public string Policy => policy;
    public int RetryAfterSeconds => retryAfterSeconds;
    public string Detail => detail;

    public override bool IsAcquired => false;
    public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = metadataName == MetadataName.RetryAfter.Name ? TimeSpan.FromSeconds(retryAfterSeconds) : null;
        return metadata is not null;
    }

    /// <summary>The 429 problem, written like every other problem of the archive.</summary>
    public static async ValueTask WriteAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var refusal = context.Lease as Refusal ?? new Refusal(ArchiveRateLimiter.DefaultPolicy, 1, "This client is over its request budget. Retry in 1 second.");
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Type = Type,
            Title = "Too many requests",
            Detail = refusal.Detail,
            Extensions = { ["budget"] = refusal.Policy },
        };
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}

public static class RateLimiting
{
    public static IServiceCollection AddArchiveRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimiting").Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<ArchiveRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ArchiveRateLimiter>((limiter, archive) =>
        {
            limiter.GlobalLimiter = archive;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = Refusal.WriteAsync;
        });
        return services;
    }

    /// <summary>Limits every request that reaches it, and puts the RateLimit headers on every answer,
    /// refusals, problems and 304s included. Place it after authentication (a curator's budget is named by
    /// the key the authentication found, without a second lookup; a wrong key is known to be wrong) and
    /// before the response cache (a cached answer is cheap, but not free: an unbounded rate of them still
    /// fills the server).</summary>
    public static IApplicationBuilder UseArchiveRateLimiting(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<RateLimitingOptions>().Enabled) return app;
        var limiter = app.ApplicationServices.GetRequiredService<ArchiveRateLimiter>();
        app.Use((http, next) =>
        {
            // Written as the response starts, so the numbers include this request's own charge.
            http.Response.OnStarting(() =>
            {
                limiter.WriteHeaders(http);
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app.UseRateLimiter();
    }
}
