using System.Diagnostics;
using System.Net;
using CsvHelper;
using Dapper;

namespace PerspectivesApi.Tests;

/// <summary>SIGTERM while an export streams. The host stops accepting connections and lets requests in
/// flight finish for up to its shutdown timeout (<c>shutdownTimeoutSeconds</c>, 30 s by default): an
/// export that finishes in that time ends with its terminating chunk; one that does not is cut off
/// without it, so every HTTP client reports an error instead of a short file.</summary>
[Collection(RealKestrel.Name)]
public sealed class ShutdownTests(TwentyThousandArticles archive) : IClassFixture<TwentyThousandArticles>
{
    private const string Export = "/v1/stances?format=csv";

    [Fact]
    public async Task A_sigterm_lets_an_export_in_flight_finish_its_stream()
    {
        await using var server = await RealServer.StartAsync(archive: archive);
        int stances;
        await using (var connection = await server.OpenDatabaseAsync())
            stances = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM stances");

        using var client = server.CreateClient(TimeSpan.FromMinutes(5));
        using var response = await client.GetAsync(Export, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked, "the export is not chunked");
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        await ReadAsync(body, received, 1024 * 1024);

        var terminating = server.TerminateAsync(TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(server.HasExited, "the service exited with an export in flight");

        await body.CopyToAsync(received); // throws if the stream ends without its terminating chunk
        await terminating;

        using var csv = CsvReader.Create(new StreamReader(new MemoryStream(received.ToArray())), null, false);
        var rows = 0;
        while (csv.Read())
        {
            Assert.Equal(csv.Headers.Count(), csv.FieldCount); // no row cut short
            rows++;
        }
        Assert.Equal(stances, rows);
    }

    [Fact]
    public async Task A_sigterm_ends_an_export_that_outlasts_the_shutdown_timeout_so_that_the_client_can_tell()
    {
        await using var server = await RealServer.StartAsync(new Dictionary<string, string> { ["shutdownTimeoutSeconds"] = "2" }, archive);
        using var client = server.CreateClient(TimeSpan.FromMinutes(5));
        using var response = await client.GetAsync(Export, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        await ReadAsync(body, received, 1024 * 1024);

        // The client stops reading: the export cannot finish, and the host gives up on it.
        var clock = Stopwatch.StartNew();
        await server.TerminateAsync(TimeSpan.FromSeconds(60));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the service took {clock.Elapsed} to exit, with a 2 s shutdown timeout");

        // What was sent before is still readable; then the stream ends in an error, not as a shorter CSV.
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(received));
    }

    private static async Task ReadAsync(Stream body, MemoryStream into, int bytes)
    {
        var buffer = new byte[64 * 1024];
        while (into.Length < bytes)
        {
            var read = await body.ReadAsync(buffer);
            Assert.True(read > 0, $"the export ended after {into.Length} bytes");
            into.Write(buffer, 0, read);
        }
    }
}
