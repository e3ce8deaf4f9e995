using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace PerspectivesApi.Http;

/// <summary>Which reverse proxies may say who the client is (<c>ForwardedHeaders</c> section). The
/// client's address decides its rate-limit budget, so an <c>X-Forwarded-For</c> header is believed only
/// when the connection comes from one of these: by default none, and a client cannot pick its budget by
/// writing the header itself.</summary>
public sealed class ReverseProxyOptions
{
    /// <summary>Addresses of trusted proxies, such as <c>10.0.0.5</c> or <c>::1</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, such as <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies, from the nearest, may each add an entry to X-Forwarded-For.</summary>
    public int ForwardLimit { get; set; } = 1;
}

public static class ReverseProxy
{
    public static IServiceCollection AddReverseProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("ForwardedHeaders").Get<ReverseProxyOptions>() ?? new ReverseProxyOptions();
        var proxies = settings.KnownProxies.Select(text => IPAddress.TryParse(text, out var address)
            ? address
            : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{text}' is not an IP address.")).ToList();
        var networks = settings.KnownNetworks.Select(text => System.Net.IPNetwork.TryParse(text, out var network)
            ? network
            : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{text}' is not a network in CIDR notation, such as 10.0.0.0/8.")).ToList();
        if (settings.ForwardLimit < 1) throw new InvalidOperationException("ForwardedHeaders:ForwardLimit must be 1 or more.");

        services.AddSingleton(settings);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = settings.ForwardLimit;
            // The framework trusts loopback by default; the archive trusts only what it is told to.
            // (Both lists empty would mean "trust every sender": UseForwardedClients then leaves the middleware out.)
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) options.KnownProxies.Add(proxy);
            foreach (var network in networks) options.KnownIPNetworks.Add(network);
        });
        return services;
    }

    /// <summary>Replaces the connection's address with the client's, as forwarded by a trusted proxy;
    /// with no proxy configured, the headers are not read at all.</summary>
    public static IApplicationBuilder UseForwardedClients(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<ReverseProxyOptions>();
        return settings.KnownProxies.Length + settings.KnownNetworks.Length == 0 ? app : app.UseForwardedHeaders();
    }
}
