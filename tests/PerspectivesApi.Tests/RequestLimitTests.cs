using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PerspectivesApi.Tests;

/// <summary>Tests that start the real binary share this collection, so that their timings are not
/// measured while another of them loads the machine.</summary>
[CollectionDefinition(Name)]
public sealed class RealKestrel
{
    public const string Name = "Real Kestrel";
}

/// <summary>One server for the limit tests, with timeouts shortened so that they run in seconds.</summary>
public sealed class LimitedServer : IAsyncLifetime
{
    public const int BusyTimeoutSeconds = 1;
    public const int BodyTimeoutSeconds = 8;
    public const int MinBodyRateGraceSeconds = 2;

    public RealServer Server { get; private set; } = null!;

    public string CuratorKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await RealServer.StartAsync(new Dictionary<string, string>
        {
            ["Database__BusyTimeoutSeconds"] = $"{BusyTimeoutSeconds}",
            ["RequestLimits__BodyTimeoutSeconds"] = $"{BodyTimeoutSeconds}",
            ["RequestLimits__MinBodyRateGraceSeconds"] = $"{MinBodyRateGraceSeconds}",
        });
        CuratorKey = await Server.CreateCuratorKeyAsync("limits");
    }

    public HttpClient Curator()
    {
        var client = Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CuratorKey);
        return client;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 10, items 4 and 5, on real Kestrel: a body too large is a 413 problem naming the limit,
/// a body too slow a 408 problem, an unreadable request a 4xx, a locked database a 503 with Retry-After,
/// and a slow client never holds the write lock.</summary>
[Collection(RealKestrel.Name)]
public sealed class RequestLimitTests(LimitedServer fixture) : IClassFixture<LimitedServer>
{
    private RealServer Server => fixture.Server;

    private (string, string) Bearer => ("Authorization", $"Bearer {fixture.CuratorKey}");

    private static async Task<JsonElement> IsProblemAsync(RawResponse response, int status, string type)
    {
        Assert.True(response.Status == status, $"expected {status}, got {response}");
        Assert.StartsWith("application/problem+json", response.Headers["content-type"]);
        var problem = response.Json;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(type, problem.GetProperty("type").GetString());
        foreach (var member in new[] { "title", "detail", "instance" })
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty(member).GetString()), $"the problem has no {member}: {response}");
        return await Task.FromResult(problem);
    }

    [Theory]
    [InlineData("/v1/outlets", 50L * 1024 * 1024, "1,048,576 bytes (1 MiB)")]
    [InlineData("/v1/articles", 9L * 1024 * 1024, "8,388,608 bytes (8 MiB)")]
    [InlineData("/v1/imports", 65L * 1024 * 1024, "67,108,864 bytes (64 MiB)")]
    public async Task A_body_announced_larger_than_the_route_takes_is_a_413_problem_naming_the_limit(string route, long length, string limit)
    {
        await using var http = await Server.ConnectAsync();
        await http.SendHeadAsync("POST", route, Bearer, ("Content-Type", "application/json"), ("Content-Length", $"{length}"));
        await http.SendAsync(Encoding.UTF8.GetBytes("{\"name\": \""));

        var problem = await IsProblemAsync(await http.Response.WaitAsync(TimeSpan.FromSeconds(30)), 413, "/problems/body-too-large");
        Assert.Contains(limit, problem.GetProperty("detail").GetString());
        Assert.Contains($"POST {route}", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_chunked_body_that_grows_past_the_limit_is_a_413_problem_before_it_ends()
    {
        await using var http = await Server.ConnectAsync();
        await http.SendHeadAsync("POST", "/v1/outlets", Bearer, ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked"));
        // 1.5 MiB of JSON whitespace, and no last chunk: the body never ends, the answer comes anyway.
        var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
        for (var sent = 0; sent < 1536 * 1024 && await http.SendChunkAsync(chunk); sent += chunk.Length) { }

        var problem = await IsProblemAsync(await http.Response.WaitAsync(TimeSpan.FromSeconds(30)), 413, "/problems/body-too-large");
        Assert.Contains("1,048,576 bytes (1 MiB)", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_article_of_a_million_characters_fits_its_larger_limit_even_sent_escaped()
    {
        // 1,000,000 Cyrillic characters, which System.Text.Json sends as \uXXXX escapes: about 6 MB.
        var body = string.Join("\n\n", Enumerable.Range(0, 10_000).Select(i => $"Абзац {i:00000} " + new string('ж', 86) + "."))[..1_000_000].TrimEnd();
        using var client = fixture.Curator();
        using var content = JsonContent.Create(new { id = "a-million-characters", title = "Long", genre = "news", language = "ru", body, credits = Array.Empty<object>() });
        await content.LoadIntoBufferAsync();
        Assert.True(content.Headers.ContentLength > 5_000_000, $"the body is only {content.Headers.ContentLength} bytes");

        using var response = await client.PostAsync("/v1/articles", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_trickled_below_the_minimum_rate_is_a_408_problem()
    {
        var logBefore = Server.Output.Length;
        await using var http = await Server.ConnectAsync();
        var body = Encoding.UTF8.GetBytes($"{{\"name\": \"{new string('s', 4000)}\"}}");
        await http.SendHeadAsync("POST", "/v1/outlets", Bearer, ("Content-Type", "application/json"), ("Content-Length", $"{body.Length}"));
        var clock = Stopwatch.StartNew();

        Assert.False(await http.TrickleAsync(body, bytesPerSecond: 20), "the whole body was taken at 20 bytes/s");
        var problem = await IsProblemAsync(await http.Response, 408, "/problems/body-too-slow");
        Assert.Contains("more slowly than 240 bytes per second", problem.GetProperty("detail").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(LimitedServer.BodyTimeoutSeconds), $"answered after {clock.Elapsed}, not at the minimum rate's grace period");
        Assert.True(await http.ClosedByServerAsync(TimeSpan.FromSeconds(30)), "the server kept the connection open");
        AssertNothingFailedInTheServer(logBefore);
    }

    [Fact]
    public async Task A_body_that_takes_longer_than_the_body_timeout_is_a_408_problem_however_steady()
    {
        // 12 KB at 800 bytes/s: well above the minimum rate, but 15 s in all.
        var logBefore = Server.Output.Length;
        await using var http = await Server.ConnectAsync();
        var body = Encoding.UTF8.GetBytes($"{{\"name\": \"{new string('s', 12_000)}\"}}");
        await http.SendHeadAsync("POST", "/v1/outlets", Bearer, ("Content-Type", "application/json"), ("Content-Length", $"{body.Length}"));

        Assert.False(await http.TrickleAsync(body, bytesPerSecond: 800), "the whole 15-second body was taken");
        var problem = await IsProblemAsync(await http.Response, 408, "/problems/body-too-slow");
        Assert.Contains($"within {LimitedServer.BodyTimeoutSeconds} seconds", problem.GetProperty("detail").GetString());
        Assert.True(await http.ClosedByServerAsync(TimeSpan.FromSeconds(30)), "the server kept the connection open");
        AssertNothingFailedInTheServer(logBefore);
    }

    [Fact]
    public async Task A_request_Kestrel_cannot_read_is_its_own_4xx_never_a_500()
    {
        var logBefore = Server.Output.Length;
        // Broken chunked framing in a body the application reads: a 400 problem.
        await using (var http = await Server.ConnectAsync())
        {
            await http.SendHeadAsync("POST", "/v1/outlets", Bearer, ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked"));
            await http.SendAsync("zz\r\n{}\r\n"u8.ToArray());
            var problem = await IsProblemAsync(await http.Response.WaitAsync(TimeSpan.FromSeconds(30)), 400, "/problems/unreadable-request");
            Assert.Contains("chunk", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
        // A body that ends before its Content-Length: the client has gone (Kestrel records a 499), nothing is answered.
        await using (var http = await Server.ConnectAsync())
        {
            await http.SendHeadAsync("POST", "/v1/outlets", Bearer, ("Content-Type", "application/json"), ("Content-Length", "100"));
            await http.SendAsync("{\"name\": \"cut"u8.ToArray());
            await http.ShutdownSendingAsync();
            Assert.Equal(0, (await http.Response.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        }
        // Refused by Kestrel before the application sees them: its own status, with an empty body.
        await using (var http = await Server.ConnectAsync())
        {
            await http.SendAsync("NOT A REQUEST LINE\r\n\r\n"u8.ToArray());
            Assert.Equal(400, (await http.Response.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        }
        await using (var http = await Server.ConnectAsync())
        {
            await http.SendHeadAsync("GET", "/v1/outlets", ("X-Padding", new string('p', 40 * 1024)));
            Assert.Equal(431, (await http.Response.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        }
        AssertNothingFailedInTheServer(logBefore);
    }

    /// <summary>The server logged no error since <paramref name="logBefore"/>: what went wrong was the request's.</summary>
    private void AssertNothingFailedInTheServer(int logBefore)
    {
        var failures = Server.Output[logBefore..].Split('\n').Where(line => line.Contains("\"LogLevel\":\"Error\"") || line.Contains("\"LogLevel\":\"Critical\"")).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_slow_patch_body_does_not_delay_another_curators_write()
    {
        using var curator = fixture.Curator();
        foreach (var id in new[] { "slow-patch-target", "quick-write-target" })
            using (var created = await curator.PostAsJsonAsync("/v1/outlets", new { id, name = id, kind = "blog" }))
                Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        // The other write's own time, alone (the slowest of a few, so a hiccup does not make it small).
        var alone = TimeSpan.Zero;
        for (var i = 0; i < 3; i++) alone = Max(alone, await TimedPatchAsync(curator, "quick-write-target", $"alone {i}"));

        // A curator sends a 1.8 KB patch at 400 bytes/s: four and a half seconds on the wire.
        await using var slow = await Server.ConnectAsync();
        var patch = Encoding.UTF8.GetBytes($"{{\"description\": \"{new string('d', 1800)}\"}}");
        await slow.SendHeadAsync("PATCH", "/v1/outlets/slow-patch-target", Bearer, ("Content-Type", "application/merge-patch+json"),
            ("If-Match", await ETagAsync(curator, "slow-patch-target")), ("Content-Length", $"{patch.Length}"));
        var trickling = Stopwatch.StartNew();
        var trickle = slow.TrickleAsync(patch, bytesPerSecond: 400);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var during = await TimedPatchAsync(curator, "quick-write-target", "during the trickle");
        Assert.False(trickle.IsCompleted, $"the slow body was done after {trickling.Elapsed}, before the other write was measured");
        Assert.True(during <= alone + alone + TimeSpan.FromSeconds(1),
            $"the other write took {during.TotalMilliseconds:0} ms during the slow body, {alone.TotalMilliseconds:0} ms alone");

        Assert.True(await trickle, "the slow body was cut off");
        var answer = await slow.Response.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(answer.Status == 200, answer.ToString());
        Assert.Equal(1800, answer.Json.GetProperty("description").GetString()!.Length);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static async Task<string> ETagAsync(HttpClient client, string outlet)
    {
        using var response = await client.GetAsync($"/v1/outlets/{outlet}");
        return response.Headers.ETag!.Tag;
    }

    /// <summary>A PATCH of the outlet's description, timed from sending to its answer.</summary>
    private static async Task<TimeSpan> TimedPatchAsync(HttpClient client, string outlet, string description)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/outlets/{outlet}")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { description }), Encoding.UTF8, "application/merge-patch+json"),
        };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(await ETagAsync(client, outlet)));
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        clock.Stop();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PATCH {outlet} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return clock.Elapsed;
    }

    [Fact]
    public async Task A_write_locked_out_past_the_busy_timeout_is_a_503_problem_with_retry_after_and_writes_nothing()
    {
        using var curator = fixture.Curator();
        using var response = await WhileLockedAsync(() =>
            curator.PostAsJsonAsync("/v1/outlets", new { id = "written-after-the-lock", name = "After the lock", kind = "blog" }));

        var problem = await ProblemAssert.IsProblemAsync(response, 503);
        Assert.Equal("/problems/unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(TimeSpan.FromSeconds(LimitedServer.BusyTimeoutSeconds), response.Headers.RetryAfter?.Delta);

        using var retried = await curator.PostAsJsonAsync("/v1/outlets", new { id = "written-after-the-lock", name = "After the lock", kind = "blog" });
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode); // nothing was left behind by the refused one
    }

    /// <summary>Sends a request while a connection of the test holds the archive's write lock (SQLite's on the
    /// file, PostgreSQL's advisory lock) for longer than the server's busy timeout, then releases it.</summary>
    private async Task<HttpResponseMessage> WhileLockedAsync(Func<Task<HttpResponseMessage>> send)
    {
        await using var locker = await Server.OpenDatabaseAsync();
        using (var command = locker.CreateCommand())
        {
            command.CommandText = Server.Archive.Dialect.BeginWrite;
            await command.ExecuteNonQueryAsync();
        }
        var clock = Stopwatch.StartNew();
        var response = await send().WaitAsync(TimeSpan.FromSeconds(60));
        // It waited out the busy timeout before giving up, and did not hang.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(LimitedServer.BusyTimeoutSeconds) - TimeSpan.FromMilliseconds(100), $"answered after {clock.Elapsed}");
        using (var command = locker.CreateCommand())
        {
            command.CommandText = "ROLLBACK";
            await command.ExecuteNonQueryAsync();
        }
        return response;
    }
}
