using System.Net;

namespace PerspectivesApi.Tests;

/// <summary>The real binary starts on Kestrel over a fresh file, seeds it, serves it, and starts again
/// over the same file after being killed.</summary>
public sealed class RealServerTests
{
    [Fact]
    public async Task The_binary_serves_the_seed_archive_and_restarts_after_a_kill()
    {
        await using var server = await RealServer.StartAsync();
        using var client = server.CreateClient();
        using (var response = await client.GetAsync("/v1/articles?count=true"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"total\":5", await response.Content.ReadAsStringAsync());
        }

        await server.KillAsync();
        Assert.True(server.HasExited);
        await server.RestartAsync();
        using var again = await client.GetAsync("/v1/stances?count=true");
        Assert.Contains("\"total\":71", await again.Content.ReadAsStringAsync());
    }
}
