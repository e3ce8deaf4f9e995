namespace PerspectivesApi.Http;

/// <summary>What every answer of a service exposed to the public owes its clients, whatever the route:
/// HEAD wherever GET works, no server banner, the browser-facing security headers, private answers to
/// curators, compression, and no secret in a problem or a log line.</summary>
public static class HttpHygiene
{
    public static WebApplicationBuilder AddHttpHygiene(this WebApplicationBuilder builder)
    {
        // "Server: Kestrel" tells an attacker what to try and a client nothing it needs.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddRedactedLogging();
        builder.Services.AddArchiveCompression(builder.Configuration);
        return builder;
    }

    /// <summary>First in the pipeline: the headers then reach every answer (errors too), HEAD is GET for
    /// everything after it, and compression applies to what leaves, cached or not.</summary>
    public static IApplicationBuilder UseHttpHygiene(this IApplicationBuilder app) =>
        app.UseSecurityHeaders()
            .UseHeadAsGet()
            .UseArchiveCompression();
}
