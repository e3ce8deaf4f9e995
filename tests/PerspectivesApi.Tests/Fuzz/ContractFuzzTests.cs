using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Curation;
using Xunit.Abstractions;

namespace PerspectivesApi.Tests.Fuzz;

/// <summary>Calls every operation of the committed contract (openapi/v1.json) with generated requests,
/// valid and invalid, anonymous and as a curator, plus create → read → patch → stale patch → delete →
/// read → restore chains, against the real service over a seeded SQLite file. Fails on any 5xx, any
/// status the contract does not declare for the operation, and any JSON body that does not validate
/// against the schema declared for its status and media type.
/// Replay a run with FUZZ_SEED=&lt;the seed it printed&gt;; FUZZ_REQUESTS sets how many requests it sends.</summary>
public sealed class ContractFuzzTests(ArchiveApp app, ITestOutputHelper output) : IClassFixture<ArchiveApp>
{
    private const int MinimumRequests = 5000;

    [Fact]
    public async Task Every_operation_answers_only_what_the_contract_declares()
    {
        var seed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } given ? given : new PCG((uint)Random.Shared.Next(1, 1000)).ToString();
        var requests = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_REQUESTS"), out var n) ? n : 5200;
        Report($"contract fuzz: seed {seed} (replay with FUZZ_SEED={seed}), {requests} requests planned");

        var contract = Contract.Load(Path.Combine(ContractTests.RepositoryRoot(), "openapi", "v1.json"));
        var keys = app.Services.GetRequiredService<ApiKeys>();
        // A key name is a slug: the seed's base64url characters other than letters and digits become x.
        var keySuffix = new string(seed.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : 'x').ToArray());
        var (_, curatorSecret) = await keys.CreateAsync("fuzz-" + keySuffix);
        var (revoked, revokedSecret) = await keys.CreateAsync("fuzz-revoked-" + keySuffix);
        await keys.RevokeAsync(revoked.Name);

        var session = new FuzzSession(contract, app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }),
            PCG.Parse(seed), curatorSecret, revokedSecret);
        var clock = Stopwatch.StartNew();
        await session.RunAsync(requests);
        clock.Stop();

        Report($"contract fuzz: {session.Sent} requests in {clock.Elapsed.TotalSeconds:F1} s ({session.ServerTime.TotalSeconds:F1} s waiting for answers), seed {seed}");
        Report("  by status: " + string.Join(", ", session.ByStatus.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        Report("  by operation: " + string.Join(", ", session.ByOperation.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        Report($"  chains: {session.Chains} create → read → patch → stale patch → put → delete → read → restore");

        Assert.True(session.Sent >= MinimumRequests, $"only {session.Sent} requests were sent; at least {MinimumRequests} are needed");
        var uncalled = contract.Operations.Where(o => session.ByOperation.GetValueOrDefault(o.Name) < 20).Select(o => o.Name).ToList();
        Assert.True(uncalled.Count == 0, "operations called fewer than 20 times: " + string.Join(", ", uncalled));
        Assert.True(session.Failures.Count == 0, $"seed {seed}: {session.Failures.Count} kinds of failure " +
            $"({session.Failures.Sum(f => f.Count)} requests):\n\n" + string.Join("\n\n", session.Failures.Take(25).Select(f => f.ToString())));
    }

    /// <summary>To the test's output and to stdout: both land in the TRX results, which .ci/run prints the counts from
    /// (and `dotnet test --logger "console;verbosity=normal"` shows them).</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}

/// <summary>A request that broke the contract, with how many others broke it the same way.</summary>
public sealed class FuzzFailure(string operation, string kind, string request, int status, string detail, string body)
{
    public string Key { get; } = $"{operation}|{kind}|{status}";
    public int Count { get; set; } = 1;

    public override string ToString() =>
        $"[{Count}×] {kind}: {operation} answered {status}\n  request: {request}\n  {detail.Replace("\n", "\n  ")}\n  body: {(body.Length > 1500 ? body[..1500] + "…" : body)}";
}

/// <summary>The state of one fuzz run: the contract, what the archive holds (ids, ETags, revisions,
/// next-page links), and what was sent and found.</summary>
public sealed class FuzzSession
{
    private static readonly string[] Collections = ["outlets", "authors", "topics", "articles", "stances"];
    private readonly Contract contract;
    private readonly HttpClient client;
    private readonly string curatorKey;
    private readonly string revokedKey;
    private readonly Inputs inputs;
    private readonly Dictionary<string, List<string>> corpusIds = [];
    private readonly Dictionary<string, List<string>> scratchIds = Collections.ToDictionary(c => c, _ => new List<string>());
    private readonly Dictionary<string, string> etags = [];
    private readonly Dictionary<string, List<long>> revisionSeqs = [];
    private readonly List<string> nextLinks = [];
    private readonly List<string> cursors = [];
    private readonly List<(string Key, string Body)> idempotencyKeys = [];
    private readonly Dictionary<string, FuzzFailure> failures = [];
    private int fresh;

    public int Sent { get; private set; }
    public int Chains { get; private set; }
    public TimeSpan ServerTime { get; private set; }
    public Dictionary<int, int> ByStatus { get; } = [];
    public Dictionary<string, int> ByOperation { get; } = [];
    public IReadOnlyList<FuzzFailure> Failures => failures.Values.ToList();

    public FuzzSession(Contract contract, HttpClient client, PCG pcg, string curatorKey, string revokedKey)
    {
        this.contract = contract;
        this.client = client;
        this.curatorKey = curatorKey;
        this.revokedKey = revokedKey;
        inputs = new Inputs(pcg, corpusIds);
    }

    public async Task RunAsync(int requests)
    {
        await LearnCorpusAsync();
        // One draw in fifty starts a chain (some fifteen requests, so about a quarter of them all); the rest are
        // single requests to every operation in turn, in an order shuffled per round, or follow a Link header.
        var operations = contract.Operations.ToList();
        var order = new List<ContractOperation>();
        while (Sent < requests)
        {
            if (order.Count == 0) order = operations.OrderBy(_ => inputs.Below(1 << 30)).ToList();
            var operation = order[^1];
            order.RemoveAt(order.Count - 1);
            if (inputs.Chance(0.02)) await ChainAsync(inputs.Pick(Collections));
            else if (nextLinks.Count > 0 && inputs.Chance(0.08)) await FollowLinkAsync();
            else await RandomRequestAsync(operation);
        }
    }

    // ---- what the archive holds ----

    private async Task LearnCorpusAsync()
    {
        foreach (var collection in Collections)
        {
            var (status, _, body) = await SendAsync(Operation("GET", $"/v1/{collection}"), Get($"/v1/{collection}?limit=100"));
            corpusIds[collection] = status == 200 ? body!.Value.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList() : [];
            if (corpusIds[collection].Count == 0) Fail($"GET /v1/{collection}", "setup", $"GET /v1/{collection}?limit=100", status, "the seed corpus has no " + collection, "");
        }
        var (changesStatus, _, changes) = await SendAsync(Operation("GET", "/v1/changes"), Get("/v1/changes?limit=1000"));
        if (changesStatus == 200)
            foreach (var change in changes!.Value.GetProperty("items").EnumerateArray())
                RememberSeq(change.GetProperty("collection").GetString()!, change.GetProperty("id").GetString()!, change.GetProperty("seq").GetInt64());
    }

    private void RememberSeq(string collection, string id, long seq)
    {
        var key = $"{collection}/{id}";
        if (!revisionSeqs.TryGetValue(key, out var seqs)) revisionSeqs[key] = seqs = [];
        if (!seqs.Contains(seq)) seqs.Add(seq);
    }

    private ContractOperation Operation(string method, string path) =>
        contract.Operations.SingleOrDefault(o => o.Method == method && o.Path == path)
        ?? throw new InvalidOperationException($"the contract has no operation {method} {path}");

    /// <summary>The GET operation whose path template matches a concrete path (a literal segment wins over {id}).</summary>
    private ContractOperation? MatchGet(string path)
    {
        var segments = path.Split('/');
        return contract.Operations
            .Where(o => o.Method == "GET")
            .Select(o => (Operation: o, Template: o.Path.Split('/')))
            .Where(t => t.Template.Length == segments.Length && t.Template.Zip(segments).All(p => p.First.StartsWith('{') || p.First == p.Second))
            .OrderBy(t => t.Template.Count(s => s.StartsWith('{')))
            .Select(t => t.Operation)
            .FirstOrDefault();
    }

    // ---- single requests ----

    private async Task RandomRequestAsync(ContractOperation operation)
    {
        var path = operation.Path;
        string? id = null;
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            var value = parameter.Name switch
            {
                "id" => id = PathId(operation),
                "seq" => PathSeq(operation.IdCollection!, id!),
                _ => inputs.Draw(Inputs.Garbage),
            };
            // Kestrel refuses a NUL in the path before the archive sees it (and the test server cannot send one).
            path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(value.Replace("\0", "")));
        }

        var query = new List<(string Name, string Value)>();
        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
        {
            if (!inputs.Chance(parameter.Required ? 0.93 : 0.3)) continue;
            var schema = parameter.Schema;
            var repeated = schema["type"]?.GetValue<string>() == "array";
            var valueSchema = repeated ? schema["items"]!.AsObject() : schema;
            var valid = inputs.Chance(0.75);
            var count = repeated ? inputs.Draw(Gen.Int[1, 3]) : valid || !inputs.Chance(0.2) ? 1 : 2;
            for (var i = 0; i < count; i++)
                query.Add((parameter.Name, parameter.Name == "cursor" && cursors.Count > 0 && inputs.Chance(0.7) ? Cursor(valid)
                    : valid ? inputs.Valid(parameter, valueSchema) : inputs.Invalid(parameter, valueSchema)));
        }
        if (inputs.Chance(0.05)) query.Add((inputs.Pick(["limitt", "Limit", "foo", "q", "cascade", "format", "api_key", "", "id"]), inputs.Draw(Inputs.Garbage)));
        var url = path + QueryString(query);

        var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
        var curator = operation.NeedsCurator ? inputs.Chance(0.85) : inputs.Chance(0.15);
        Authorize(request, curator);
        if (inputs.Accept() is { } accept) request.Headers.TryAddWithoutValidation("Accept", accept);

        if (operation.Method is "GET" or "HEAD")
        {
            if (inputs.Chance(0.25))
                request.Headers.TryAddWithoutValidation("If-None-Match", etags.TryGetValue(url, out var known) && inputs.Chance(0.7) ? known : inputs.Chance(0.2) ? "*" : inputs.StaleOrGarbageETag());
        }
        else
        {
            await PreconditionAsync(request, operation, id);
            if (operation.Method == "POST" && inputs.Chance(0.4)) IdempotencyKey(request, out _);
            if (operation.RequestBody is not null || inputs.Chance(0.1)) request.Content = Body(operation, id);
            if (operation.Method == "POST" && request.Headers.TryGetValues("Idempotency-Key", out var keys) && request.Content is not null)
                idempotencyKeys.Add((keys.First(), await request.Content.ReadAsStringAsync()));
        }

        var (status, response, body) = await SendAsync(operation, request);
        if (operation.Method == "POST" && status == 201 && operation.Path.Count(c => c == '/') == 2 && response.Headers.Location is { } location)
            scratchIds[operation.Path.Split('/')[2]].Add(location.OriginalString.Split('/').Last());
        // A JSON page (a revision list may also answer CSV or NDJSON, like every collection).
        if (operation.Path.EndsWith("/revisions") && status == 200 && id is not null && body is { ValueKind: JsonValueKind.Object } page)
            foreach (var revision in page.GetProperty("items").EnumerateArray())
                RememberSeq(operation.IdCollection!, id, revision.GetProperty("seq").GetInt64());
    }

    /// <summary>A cursor a page really gave (bound to its own query, so mostly a 400 here), or one with a
    /// character changed or cut short, which must be refused as tampered.</summary>
    private string Cursor(bool asGiven)
    {
        var cursor = inputs.Pick(cursors);
        if (asGiven || cursor.Length < 2) return cursor;
        var at = inputs.Below(cursor.Length);
        return inputs.Chance(0.5) ? cursor[..at] : cursor[..at] + (cursor[at] == 'A' ? 'B' : 'A') + cursor[(at + 1)..];
    }

    private string PathId(ContractOperation operation)
    {
        var collection = operation.IdCollection!;
        var scratch = scratchIds[collection];
        return inputs.Below(20) switch
        {
            < 9 => inputs.Pick(corpusIds[collection]),
            < 14 when scratch.Count > 0 => inputs.Pick(scratch),
            < 17 => "no-such-" + inputs.Draw(Inputs.Slug),
            // Not ".", ".." or empty: the client would resolve those to another route before sending.
            _ => inputs.Draw(Gen.OneOf(Inputs.Garbage, Gen.OneOf("UPPER", new string('a', 81), "ünï", "a_b", "...", "%2F", "a b")).Where(s => s.Trim('\0') is not ("" or "." or ".."))),
        };
    }

    private string PathSeq(string collection, string id) =>
        revisionSeqs.TryGetValue($"{collection}/{id}", out var seqs) && seqs.Count > 0 && inputs.Chance(0.7)
            ? inputs.Pick(seqs).ToString()
            : inputs.Pick([inputs.Draw(Gen.Int[1, 5000]).ToString(), "0", "-1", "9223372036854775807", "9223372036854775808", "abc", "1.5"]);

    /// <summary>If-Match for a write: the current ETag (only for resources this run created, so the seed
    /// corpus stays whole), a stale or malformed one, or none.</summary>
    private async Task PreconditionAsync(HttpRequestMessage request, ContractOperation operation, string? id)
    {
        if (id is null || operation.Method == "POST" && !operation.Path.EndsWith("/restore")) return;
        var ownResource = scratchIds[operation.IdCollection!].Contains(id);
        switch (inputs.Below(10))
        {
            case < 5 when ownResource:
                var read = Get($"/v1/{operation.IdCollection}/{id}");
                Authorize(read, inputs.Chance(0.5));
                var (status, response, _) = await SendAsync(Operation("GET", $"/v1/{operation.IdCollection}/{{id}}"), read);
                if (status == 200) request.Headers.TryAddWithoutValidation("If-Match", response.Headers.ETag!.ToString());
                break;
            case 5 when ownResource:
                request.Headers.TryAddWithoutValidation("If-Match", "*");
                break;
            case < 8:
                request.Headers.TryAddWithoutValidation("If-Match", inputs.StaleOrGarbageETag());
                break;
        }
    }

    private void IdempotencyKey(HttpRequestMessage request, out string key)
    {
        key = idempotencyKeys.Count > 0 && inputs.Chance(0.3) ? inputs.Pick(idempotencyKeys).Key
            : inputs.Chance(0.1) ? inputs.Pick([new string('k', 300), "", " ", "ключ"]) : $"fuzz-key-{NextFresh()}";
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
    }

    private void Authorize(HttpRequestMessage request, bool curator)
    {
        if (curator) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", curatorKey);
        else if (inputs.Chance(0.1))
            request.Headers.TryAddWithoutValidation("Authorization", inputs.Pick(["Bearer " + revokedKey, "Bearer pa_wrong", "Basic YWxpY2U6c2VjcmV0", "Bearer", "bearer " + curatorKey + "x", "garbage"]));
    }

    /// <summary>A body for a write: the contract's example made valid for this request, or mutated, or
    /// not JSON at all, or sent with the wrong content type.</summary>
    private HttpContent Body(ContractOperation operation, string? id)
    {
        var example = operation.RequestExample ?? new JsonObject();
        JsonObject body;
        if (operation.Path == "/v1/imports")
        {
            var suffix = "-" + NextFresh();
            body = JsonNode.Parse(example.ToJsonString().Replace("turan-information-agency", "turan-information-agency" + suffix)
                .Replace("an-imported-article", "an-imported-article" + suffix).Replace("an-imported-stance", "an-imported-stance" + suffix))!.AsObject();
        }
        else if (operation.Method == "PATCH")
        {
            body = new JsonObject();
            foreach (var (name, value) in example.Where(_ => inputs.Chance(0.3)).ToList())
                if (name != "id") body[name] = value?.DeepClone();
        }
        else
        {
            body = example.DeepClone().AsObject();
            if (operation.Method == "POST" && !operation.Path.EndsWith("/restore")) body["id"] = "fz-" + NextFresh();
            else if (id is not null) body["id"] = id;
            if (inputs.Chance(0.1)) body.Remove("id");
        }

        var shape = inputs.Below(20);
        var text = shape switch
        {
            < 11 => body.ToJsonString(),
            < 17 => inputs.Mutate(body).ToJsonString(),
            18 => Inputs.Utf8(Inputs.InvalidUtf8),
            _ => inputs.Draw(Inputs.NotAnObject),
        };
        var contentType = inputs.Draw(Gen.Frequency<string>(
            (20, Gen.Const("application/json")),
            (2, Gen.Const(operation.Method == "PATCH" ? "application/merge-patch+json" : "application/json; charset=utf-8")),
            (1, Gen.OneOf("text/plain", "application/xml", "", "application/x-www-form-urlencoded", "application/json; charset=latin1", "multipart/form-data", "application/jsonx"))));
        var content = shape == 18 ? (HttpContent)new ByteArrayContent(Inputs.InvalidUtf8) : new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        if (contentType.Length > 0) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private int NextFresh() => Interlocked.Increment(ref fresh);

    private async Task FollowLinkAsync()
    {
        var link = inputs.Pick(nextLinks);
        nextLinks.Remove(link);
        var uri = new Uri(link);
        if (MatchGet(uri.AbsolutePath) is { } operation) await SendAsync(operation, Get(uri.PathAndQuery));
        else Fail("GET ?", "Link to no operation", link, 0, "a Link header names a URL the contract has no operation for", "");
    }

    // ---- chains ----

    /// <summary>create → read (ETag) → patch with If-Match → the same patch with the old ETag (412) → put →
    /// delete → read (410) → revisions → restore the creation → read (200), with the statuses each step must answer.</summary>
    private async Task ChainAsync(string collection)
    {
        Chains++;
        var id = $"fz-chain-{NextFresh()}";
        var example = Operation("POST", $"/v1/{collection}").RequestExample!.DeepClone().AsObject();
        example["id"] = id;
        var one = $"/v1/{collection}/{id}";
        var item = $"/v1/{collection}/{{id}}";

        var create = Write(HttpMethod.Post, $"/v1/{collection}", example);
        var key = $"fuzz-chain-key-{NextFresh()}";
        create.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        if (!await ExpectAsync(Operation("POST", $"/v1/{collection}"), create, 201, "create")) return;
        scratchIds[collection].Add(id);
        var replay = Write(HttpMethod.Post, $"/v1/{collection}", example);
        replay.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        await ExpectAsync(Operation("POST", $"/v1/{collection}"), replay, 201, "retry with the same Idempotency-Key");
        await ExpectAsync(Operation("POST", $"/v1/{collection}"), Write(HttpMethod.Post, $"/v1/{collection}", example), 409, "create an id that exists");

        var (_, read, _) = await ExpectReadAsync(Operation("GET", item), one, 200, "read after create");
        var first = read?.Headers.ETag?.ToString();
        if (first is null) return;
        var text = new[] { "description", "summary", "affiliation", "title", "name" }.First(example.ContainsKey);
        var patch = new JsonObject { [text] = $"Changed by the fuzz chain {id}." };
        var patched = Write(HttpMethod.Patch, one, patch, first);
        if (!await ExpectAsync(Operation("PATCH", item), patched, 200, "patch with the current ETag")) return;
        await ExpectAsync(Operation("PATCH", item), Write(HttpMethod.Patch, one, patch, first), 412, "patch with the ETag read before the patch");
        await ExpectAsync(Operation("DELETE", item), Write(HttpMethod.Delete, one, null), 428, "delete without If-Match");

        var (_, second, _) = await ExpectReadAsync(Operation("GET", item), one, 200, "read after patch");
        var put = Write(HttpMethod.Put, one, example, second?.Headers.ETag?.ToString());
        if (!await ExpectAsync(Operation("PUT", item), put, 200, "put with the current ETag")) return;
        var (_, third, _) = await ExpectReadAsync(Operation("GET", item), one, 200, "read after put");
        var deletion = $"{one}";
        if (collection == "articles")
        {
            // A stance quoting the article blocks its deletion (409) unless ?cascade=true, which deletes both.
            var stance = new JsonObject
            {
                ["id"] = $"{id}-stance", ["topic"] = corpusIds["topics"][0], ["article"] = id, ["author"] = corpusIds["authors"][0], ["position"] = "supports",
                // The voice is not the article's maker: its words reach the archive as the piece reports them.
                ["attribution"] = new JsonObject { ["kind"] = "reported", ["via"] = corpusIds["authors"][1] },
                ["quote"] = "an outspoken human rights defender", ["summary"] = "The fuzz chain's stance on its own article.",
            };
            if (await ExpectAsync(Operation("POST", "/v1/stances"), Write(HttpMethod.Post, "/v1/stances", stance), 201, "create a stance quoting the article"))
            {
                var (_, withStance, _) = await ExpectReadAsync(Operation("GET", item), one, 200, "read after a stance quotes it");
                third = withStance;
                await ExpectAsync(Operation("DELETE", item), Write(HttpMethod.Delete, one, null, third?.Headers.ETag?.ToString()), 409, "delete an article a stance quotes");
                deletion = $"{one}?cascade=true";
            }
        }
        if (!await ExpectAsync(Operation("DELETE", item), Write(HttpMethod.Delete, deletion, null, third?.Headers.ETag?.ToString()), 204, "delete with the current ETag")) return;
        if (deletion.EndsWith("cascade=true"))
            await ExpectReadAsync(Operation("GET", "/v1/stances/{id}"), $"/v1/stances/{id}-stance", 410, "read a stance deleted by the cascade");
        scratchIds[collection].Remove(id);
        await ExpectReadAsync(Operation("GET", item), one, 410, "read after delete");
        await ExpectAsync(Operation("PATCH", item), Write(HttpMethod.Patch, one, patch, "*"), 410, "patch a deleted resource");

        var (_, _, revisions) = await ExpectReadAsync(Operation("GET", $"{item}/revisions"), $"{one}/revisions", 200, "history after delete");
        var seqs = revisions?.GetProperty("items").EnumerateArray().Select(r => (Seq: r.GetProperty("seq").GetInt64(), Action: r.GetProperty("action").GetString())).ToList() ?? [];
        var created = seqs.FirstOrDefault(s => s.Action == "create");
        if (created.Seq == 0) { Fail(item + "/revisions", "chain: no create revision", one, 200, "the history lists no creation", revisions?.ToString() ?? ""); return; }
        foreach (var (seq, _) in seqs) RememberSeq(collection, id, seq);
        var restore = new HttpRequestMessage(HttpMethod.Post, $"{one}/revisions/{created.Seq}/restore");
        Authorize(restore, curator: true);
        if (!await ExpectAsync(Operation("POST", $"{item}/revisions/{{seq}}/restore"), restore, 200, "restore the creation")) return;
        scratchIds[collection].Add(id);
        await ExpectReadAsync(Operation("GET", item), one, 200, "read after restore");
    }

    private HttpRequestMessage Write(HttpMethod method, string url, JsonObject? body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        Authorize(request, curator: true);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    private async Task<bool> ExpectAsync(ContractOperation operation, HttpRequestMessage request, int expected, string step)
    {
        var (status, _, body) = await SendAsync(operation, request);
        if (status == expected) return true;
        Fail(operation.Name, $"chain step '{step}' answered {status}, not {expected}", Describe(request), status, "", body?.ToString() ?? "");
        return false;
    }

    private async Task<(int, HttpResponseMessage?, JsonElement?)> ExpectReadAsync(ContractOperation operation, string url, int expected, string step)
    {
        var request = Get(url);
        Authorize(request, inputs.Chance(0.5));
        var (status, response, body) = await SendAsync(operation, request);
        if (status != expected) Fail(operation.Name, $"chain step '{step}' answered {status}, not {expected}", "GET " + url, status, "", body?.ToString() ?? "");
        return (status, status == expected ? response : null, body);
    }

    // ---- sending and checking ----

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static string QueryString(List<(string Name, string Value)> query) =>
        query.Count == 0 ? "" : "?" + string.Join("&", query.Select(q => $"{Uri.EscapeDataString(q.Name)}={Uri.EscapeDataString(q.Value)}"));

    private static string Describe(HttpRequestMessage request)
    {
        var headers = string.Join(", ", request.Headers.Where(h => h.Key != "Authorization").Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        var auth = request.Headers.Authorization is { } a ? $" [Authorization: {a.Scheme} …]" : request.Headers.Contains("Authorization") ? " [Authorization: (malformed)]" : " [anonymous]";
        var body = request.Content is null ? "" : $"\n  request body ({request.Content.Headers.ContentType?.ToString() ?? "no Content-Type"}): " +
            Truncate(request.Content.ReadAsStringAsync().GetAwaiter().GetResult(), 600);
        return $"{request.Method} {Truncate(request.RequestUri!.OriginalString, 400)}{auth}{(headers.Length > 0 ? " {" + headers + "}" : "")}{body}";
    }

    private static string Truncate(string text, int length) => text.Length > length ? text[..length] + $"… ({text.Length} characters)" : text;

    /// <summary>Sends one request and checks the answer against the contract: no 5xx, a declared status,
    /// a declared media type, and a JSON body that validates against the declared schema.</summary>
    private async Task<(int Status, HttpResponseMessage Response, JsonElement? Body)> SendAsync(ContractOperation operation, HttpRequestMessage request)
    {
        // Read only for a failure: the client leaves the request and its content readable after sending.
        var described = new Lazy<string>(() => Describe(request));
        var clock = Stopwatch.StartNew();
        var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        ServerTime += clock.Elapsed;
        var status = (int)response.StatusCode;
        Sent++;
        ByStatus[status] = ByStatus.GetValueOrDefault(status) + 1;
        ByOperation[operation.Name] = ByOperation.GetValueOrDefault(operation.Name) + 1;
        var text = Encoding.UTF8.GetString(bytes);

        if (status >= 500) Fail(operation.Name, "server error", described.Value, status, "", text);
        if (!operation.Declares(status))
        {
            Fail(operation.Name, "undeclared status", described.Value, status, $"the contract declares {string.Join(", ", operation.Responses.Select(r => r.Key))}", text);
            return (status, response, null);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var content = operation.ContentOf(status);
        if (bytes.Length == 0)
        {
            // An export of nothing is empty (NDJSON) and that is its declared media type; JSON is never empty.
            if (content is { Count: > 0 } && status is not (304 or 204) && operation.Method != "HEAD" && mediaType is null or "application/json" or "application/problem+json") Fail(operation.Name, "empty body", described.Value, status, "the contract declares a body for this status", "");
            return (status, response, null);
        }
        if (mediaType is null || content?[mediaType] is not JsonObject media)
        {
            Fail(operation.Name, "undeclared media type", described.Value, status, $"Content-Type {mediaType ?? "(none)"}; the contract declares {string.Join(", ", content?.Select(c => c.Key) ?? [])}", text);
            return (status, response, null);
        }

        if (response.Headers.ETag is { } etag && operation.Method == "GET" && status == 200) etags[request.RequestUri!.OriginalString] = etag.ToString();
        if (response.Headers.TryGetValues("Link", out var links) && nextLinks.Count < 50)
            foreach (var link in links) if (link.StartsWith('<') && link.Contains("rel=\"next\"")) nextLinks.Add(link[1..link.IndexOf('>')]);

        if (mediaType is "application/json" or "application/problem+json")
        {
            JsonElement json;
            try { json = JsonDocument.Parse(bytes).RootElement.Clone(); }
            catch (JsonException e) { Fail(operation.Name, "body is not JSON", described.Value, status, e.Message, text); return (status, response, null); }
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String && cursors.Count < 200)
                cursors.Add(next.GetString()!);
            var errors = contract.Validate(media["schema"]!, json);
            if (errors.Count > 0) Fail(operation.Name, "body does not match its schema", described.Value, status, string.Join("\n", errors.Take(6)), text);
            if (mediaType == "application/problem+json" && (!json.TryGetProperty("status", out var problemStatus) || problemStatus.ValueKind != JsonValueKind.Number || problemStatus.GetInt32() != status))
                Fail(operation.Name, "problem status differs from the HTTP status", described.Value, status, "", text);
            return (status, response, json);
        }
        if (mediaType == "application/x-ndjson")
        {
            // An export's rows are flat: one object a line, every value a scalar or a list of strings, the same keys on every line.
            string? keys = null;
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(50))
            {
                var row = JsonDocument.Parse(line).RootElement;
                var rowKeys = string.Join(",", row.EnumerateObject().Select(p => p.Name));
                keys ??= rowKeys;
                if (rowKeys != keys || row.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.Object
                        || (p.Value.ValueKind == JsonValueKind.Array && p.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))))
                {
                    Fail(operation.Name, "NDJSON line is not a flat row like the others", described.Value, status, "", line);
                    break;
                }
            }
        }
        return (status, response, null);
    }

    private void Fail(string operation, string kind, string request, int status, string detail, string body)
    {
        var failure = new FuzzFailure(operation, kind, request, status, detail, body);
        if (failures.TryGetValue(failure.Key, out var known)) known.Count++;
        else failures[failure.Key] = failure;
    }
}
