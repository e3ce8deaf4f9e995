using PerspectivesApi.Tests;

namespace PerspectivesApi.ClientTests;

/// <summary>The archive as a third-party app meets it: the service's own binary on Kestrel over a freshly
/// seeded archive, and a curator key for the writes.</summary>
public sealed class ArchiveServer : IAsyncLifetime
{
    private RealServer? server;

    public Uri BaseAddress => (server ?? throw new InvalidOperationException("Not started.")).BaseAddress;

    /// <summary>The address without its trailing slash, as generated clients join it with paths.</summary>
    public string BaseUrl => BaseAddress.ToString().TrimEnd('/');

    public string CuratorKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        server = await RealServer.StartAsync();
        CuratorKey = await server.CreateCuratorKeyAsync("client-tests");
    }

    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
    }
}
