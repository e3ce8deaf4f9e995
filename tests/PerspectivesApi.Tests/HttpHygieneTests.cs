using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Tests;

/// <summary>What every answer owes a public client, whatever the route: HEAD wherever GET works, the
/// security headers, private answers to curators, and no secret echoed in a problem.</summary>
public sealed class HttpHygieneTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    public static TheoryData<string> GetRoutes =>
    [
        "/v1",
        "/v1/articles?limit=2",
        "/v1/articles/point-of-no-return-aslan-ismailov",
        "/v1/topics/summary",
        "/v1/stances?format=csv",
        "/v1/articles?format=ndjson&limit=1",
        "/v1/search?q=return",
        "/v1/changes?limit=2",
        "/v1/outlets/georgia-today/revisions",
        "/swagger/v1/swagger.json",
        "/health/live",
        "/health/ready",
        "/v1/articles?limit=1000",
        "/v1/articles/no-such-article",
    ];

    /// <summary>Headers that must not differ between a GET and a HEAD of the same URL.</summary>
    private static readonly string[] RepresentationHeaders =
        ["ETag", "Content-Type", "Content-Encoding", "Cache-Control", "Link", "Content-Disposition", "Vary", "X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy"];

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;

    [Theory]
    [MemberData(nameof(GetRoutes))]
    public async Task HEAD_answers_with_GETs_status_and_headers_and_no_body(string url)
    {
        var client = app.CreateClient();
        foreach (var acceptEncoding in new[] { null, "br" })
        {
            HttpRequestMessage Request(HttpMethod method)
            {
                var request = new HttpRequestMessage(method, url);
                if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
                return request;
            }
            using var get = await client.SendAsync(Request(HttpMethod.Get));
            using var head = await client.SendAsync(Request(HttpMethod.Head));
            Assert.Equal(get.StatusCode, head.StatusCode);
            foreach (var name in RepresentationHeaders)
                Assert.True(Header(get, name) == Header(head, name), $"{name} ({acceptEncoding ?? "identity"}): GET {Header(get, name)}, HEAD {Header(head, name)}");
            if (head.Content.Headers.ContentLength is { } length) Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, length);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            Assert.NotEmpty(await get.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task HEAD_honours_If_None_Match_and_answers_404_and_405_as_GET_does()
    {
        var client = app.CreateClient();
        using var get = await client.GetAsync("/v1/articles/point-of-no-return-aslan-ismailov");
        using var conditional = new HttpRequestMessage(HttpMethod.Head, "/v1/articles/point-of-no-return-aslan-ismailov");
        conditional.Headers.IfNoneMatch.Add(get.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(get.Headers.ETag, notModified.Headers.ETag);

        using var unknown = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/no-such-collection"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(await unknown.Content.ReadAsByteArrayAsync());

        using var postOnly = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/imports"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, postOnly.StatusCode);
    }

    [Fact]
    public async Task HEAD_is_not_an_operation_of_its_own_in_the_contract()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"));
        var methods = document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => m.Name)).ToList();
        Assert.Contains("get", methods);
        Assert.DoesNotContain("head", methods);
    }

    public static TheoryData<string, string, int> EveryKindOfAnswer => new()
    {
        { "GET", "/v1/articles", 200 },
        { "GET", "/v1/no-such-collection", 404 },
        { "GET", "/v1/articles?limit=0", 400 },
        { "POST", "/v1/outlets", 401 },
        { "DELETE", "/v1/search", 405 },
        { "GET", "/v1/export/archive.sqlite", 200 },
        { "GET", "/health/live", 200 },
        { "GET", "/swagger/v1/swagger.json", 200 },
        { "GET", "/swagger/index.html", 200 },
    };

    [Theory]
    [MemberData(nameof(EveryKindOfAnswer))]
    public async Task Every_answer_says_nosniff_and_no_referrer_and_only_swagger_may_run_scripts(string method, string url, int status)
    {
        using var response = await app.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        Assert.Equal(status, (int)response.StatusCode);
        AssertSecurityHeaders(response, url);
    }

    [Fact]
    public async Task A_304_carries_the_security_headers_too()
    {
        var client = app.CreateClient();
        using var first = await client.GetAsync("/v1/topics");
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/v1/topics");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        AssertSecurityHeaders(notModified, "/v1/topics");
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string url)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        if (url.StartsWith("/swagger")) Assert.Null(Header(response, "Content-Security-Policy"));
        else Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Null(Header(response, "Server"));
    }

    private async Task<(string Name, string Secret)> CuratorKeyAsync(string name)
    {
        var (key, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync(name + "-" + Guid.NewGuid().ToString("N")[..8]);
        return (key.Name, secret);
    }

    [Fact]
    public async Task Answers_to_curators_are_private_and_never_kept_by_the_response_cache()
    {
        var (_, secret) = await CuratorKeyAsync("private");
        var curator = app.CreateClient();
        curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var anonymous = app.CreateClient();
        const string Url = "/v1/outlets?limit=3&sort=-name";

        // A curator's read, twice: computed both times, and marked for that curator alone.
        foreach (var _ in new[] { 1, 2 })
        {
            using var read = await curator.GetAsync(Url);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Null(read.Headers.Age);
            AssertPrivate(read);
        }
        // The same URL read anonymously: the first answer is computed (nothing was kept from the curator's), the second
        // comes from the cache (which is on), and neither is private.
        using (var first = await anonymous.GetAsync(Url)) { Assert.Null(first.Headers.Age); Assert.Equal("no-cache", first.Headers.CacheControl?.ToString()); }
        using (var second = await anonymous.GetAsync(Url)) Assert.NotNull(second.Headers.Age);

        using var created = await curator.PostAsync("/v1/outlets", new StringContent("""{"name":"Private Answers Weekly"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        AssertPrivate(created);

        var wrongKey = app.CreateClient();
        wrongKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret + "x");
        using var refused = await wrongKey.PostAsync("/v1/outlets", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        AssertPrivate(refused);
    }

    private static void AssertPrivate(HttpResponseMessage response)
    {
        var cacheControl = response.Headers.CacheControl;
        Assert.NotNull(cacheControl);
        Assert.True(cacheControl.Private, $"Cache-Control: {cacheControl}");
        Assert.True(cacheControl.NoStore, $"Cache-Control: {cacheControl}");
        Assert.False(cacheControl.Public);
    }

    public static TheoryData<string, string, int> MisplacedKeys => new()
    {
        // A key in the query string of a write: 401.
        { "POST", "/v1/outlets?access_token={key}", 401 },
        { "POST", "/v1/outlets?key={key}", 401 },
        // A key as an unknown parameter's value, as its name, and as a known parameter's value: 400.
        { "GET", "/v1/articles?api_key={key}&limit=0", 400 },
        { "GET", "/v1/articles?{key}=1", 400 },
        { "GET", "/v1/articles?limit={key}", 400 },
        { "GET", "/v1/changes?since={key}", 400 },
        // A key as an id: 404.
        { "GET", "/v1/outlets/{key}", 404 },
    };

    [Theory]
    [MemberData(nameof(MisplacedKeys))]
    public async Task A_key_sent_in_the_wrong_place_is_never_echoed_in_the_problem(string method, string template, int status)
    {
        var (_, secret) = await CuratorKeyAsync("misplaced");
        var url = template.Replace("{key}", secret);
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await app.CreateClient().SendAsync(request);
        var problem = await ProblemAssert.IsProblemAsync(response, status);
        var body = problem.GetRawText();
        Assert.DoesNotContain(secret[3..11], body);
        Assert.DoesNotContain(secret[..8], body);
        Assert.Contains("REDACTED", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task A_secret_looking_parameter_is_redacted_in_the_instance_and_the_rest_is_kept()
    {
        using var response = await app.CreateClient().GetAsync("/v1/articles?password=hunter2&author=aslan-ismailov&limit=0");
        var problem = await ProblemAssert.IsProblemAsync(response, 400);
        Assert.DoesNotContain("hunter2", problem.GetRawText());
        Assert.Equal("/v1/articles?password=REDACTED&author=aslan-ismailov&limit=0", problem.GetProperty("instance").GetString());
    }
}

/// <summary>Real Kestrel, for what the tests' in-memory server does not do: it sends a Server header unless
/// told not to, and it has its own HEAD handling.</summary>
public sealed class ArchiveOnKestrel : ArchiveApp
{
    public ArchiveOnKestrel() => UseKestrel(0);
}

public sealed class KestrelHygieneTests(ArchiveOnKestrel app) : IClassFixture<ArchiveOnKestrel>
{
    [Fact]
    public async Task Kestrel_sends_no_Server_header_and_HEAD_has_GETs_length_and_no_body()
    {
        app.StartServer();
        var client = app.CreateClient();
        Assert.NotEqual(80, client.BaseAddress!.Port); // a real socket, not the in-memory server at http://localhost/
        foreach (var url in new[] { "/v1/articles/point-of-no-return-aslan-ismailov", "/v1/no-such-collection", "/v1/stances?format=csv" })
        {
            using var get = await client.GetAsync(url);
            Assert.False(get.Headers.Contains("Server"), $"GET {url} sent Server: {string.Join(", ", get.Headers.Server)}");
            Assert.Equal("nosniff", get.Headers.GetValues("X-Content-Type-Options").Single());
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
            Assert.Equal(get.StatusCode, head.StatusCode);
            Assert.False(head.Headers.Contains("Server"));
            Assert.Equal(get.Headers.ETag, head.Headers.ETag);
            Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
            // As sent (HttpClient would otherwise count a chunked body): GET's length, or none when GET streams.
            Assert.Equal(RawContentLength(get), RawContentLength(head));
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    private static string? RawContentLength(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var values) ? values.ToString() : null;
}

/// <summary>The service logging everything, at every level and category, into memory: messages, their
/// values, exceptions and scopes.</summary>
public sealed class ArchiveWithTraceLogs : ArchiveApp
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Default", "Trace");
        builder.UseSetting("Logging:LogLevel:Microsoft", "Trace");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(new CapturingProvider(Lines));
        });
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? scopes;

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines, () => scopes);

        public void Dispose() { }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines, Func<IExternalScopeProvider?> scopes) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => scopes()?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{category}: {formatter(state, exception)} | {state} | {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (name, value) in values) line.Append($" | {name}={value}");
            scopes()?.ForEachScope((scope, builder) =>
            {
                builder.Append($" | scope {scope}");
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopeValues)
                    foreach (var (name, value) in scopeValues) builder.Append($" {name}={value}");
            }, line);
            lines.Enqueue(line.ToString());
        }
    }
}

public sealed class SecretLoggingTests(ArchiveWithTraceLogs app) : IClassFixture<ArchiveWithTraceLogs>
{
    [Fact]
    public async Task No_key_reaches_any_log_line_at_trace_level_wherever_it_was_sent()
    {
        var (_, secret) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync("logged-" + Guid.NewGuid().ToString("N")[..8]);
        var client = app.CreateClient();
        var curator = app.CreateClient();
        curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var wrong = app.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret[..^1] + "x");

        var statuses = new List<int>();
        async Task Send(HttpClient c, HttpMethod method, string url, string? body = null)
        {
            using var request = new HttpRequestMessage(method, url);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await c.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }
        await Send(client, HttpMethod.Post, $"/v1/outlets?access_token={secret}", "{}");
        await Send(client, HttpMethod.Get, $"/v1/articles?key={secret}&limit=0");
        await Send(client, HttpMethod.Get, $"/v1/articles?limit={secret}");
        await Send(client, HttpMethod.Get, $"/v1/outlets/{secret}");
        await Send(client, HttpMethod.Head, $"/v1/outlets/{secret}");
        await Send(curator, HttpMethod.Get, "/v1/outlets");
        await Send(curator, HttpMethod.Post, "/v1/outlets", """{"name":"Trace Level Tribune"}""");
        await Send(wrong, HttpMethod.Post, "/v1/outlets", """{"name":"Refused"}""");
        await Send(curator, HttpMethod.Post, "/v1/outlets", $$"""{"name":"{{secret}}", "url":"{{secret}}"}""");
        Assert.Equal([401, 400, 400, 404, 404, 200, 201, 401, 422], statuses);

        var lines = app.Lines.ToList();
        // The framework's request lines were written (so the redaction had something to do) and say where the key was.
        Assert.Contains(lines, line => line.Contains("Request starting") && line.Contains("access_token=REDACTED"));
        Assert.Contains(lines, line => line.Contains("/v1/outlets/REDACTED"));
        foreach (var needle in new[] { secret, secret[3..], secret[..8], secret[8..20] })
            Assert.DoesNotContain(lines, line => line.Contains(needle));
        Assert.DoesNotContain(lines, line => line.Contains("Bearer pa_", StringComparison.OrdinalIgnoreCase));
    }
}
