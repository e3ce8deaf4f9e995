using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PerspectivesApi.Tests;

/// <summary>One HTTP/1.1 exchange written by hand over a socket, for what HttpClient will not do: send a
/// body slowly, in chunks past a limit, malformed, or not at all after announcing it. The answer is read
/// while the request is still being sent (<see cref="Response"/>), as a server may answer and close early.</summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient client;
    private readonly NetworkStream stream;

    private RawHttp(TcpClient client)
    {
        this.client = client;
        stream = client.GetStream();
        Response = Task.Run(ReadResponseAsync);
    }

    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(server.Host, server.Port);
        return new RawHttp(client);
    }

    /// <summary>The server's answer, complete; read from the moment the connection opened.</summary>
    public Task<RawResponse> Response { get; }

    /// <summary>Sends the request line and headers (Host and Connection: close are added).</summary>
    public Task SendHeadAsync(string method, string target, params (string Name, string Value)[] headers)
    {
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        return SendAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
    }

    /// <summary>Sends bytes as they are; false when the server has closed the connection (it answered).</summary>
    public async Task<bool> SendAsync(byte[] bytes)
    {
        if (Response.IsCompleted) return false;
        try
        {
            await stream.WriteAsync(bytes);
            return true;
        }
        catch (IOException) { return false; }
    }

    public Task<bool> SendChunkAsync(byte[] data) =>
        SendAsync([.. Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), .. data, .. "\r\n"u8]);

    /// <summary>Waits, after the answer, until the server closes the connection; false if it has not
    /// within <paramref name="timeout"/>.</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan timeout)
    {
        await Response;
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancel.Token) > 0) { }
            return true;
        }
        catch (IOException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Half-closes the connection: the server reads the end of the request, and can still answer.</summary>
    public Task ShutdownSendingAsync()
    {
        client.Client.Shutdown(SocketShutdown.Send);
        return Task.CompletedTask;
    }

    /// <summary>The last chunk of a chunked body.</summary>
    public Task<bool> EndChunksAsync() => SendAsync("0\r\n\r\n"u8.ToArray());

    /// <summary>Sends <paramref name="body"/> a few bytes at a time at about <paramref name="bytesPerSecond"/>,
    /// until it is all sent or the server has answered; true when all of it was sent first.</summary>
    public async Task<bool> TrickleAsync(byte[] body, int bytesPerSecond, bool chunked = false)
    {
        const int PiecesPerSecond = 10;
        var piece = Math.Max(1, bytesPerSecond / PiecesPerSecond);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var sent = 0; sent < body.Length; sent += piece)
        {
            var bytes = body[sent..Math.Min(body.Length, sent + piece)];
            if (!await (chunked ? SendChunkAsync(bytes) : SendAsync(bytes))) return false;
            // Paced against the clock, not per piece, so a slow scheduler does not slow the rate further.
            var due = TimeSpan.FromSeconds((double)(sent + bytes.Length) / bytesPerSecond);
            if (due > clock.Elapsed) await Task.WhenAny(Task.Delay(due - clock.Elapsed), Response);
        }
        return true;
    }

    private async Task<RawResponse> ReadResponseAsync()
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0) break;
                received.Write(buffer, 0, read);
                if (RawResponse.TryParse(received.ToArray(), complete: false) is { } done) return done;
            }
        }
        catch (IOException) { } // reset after the answer: what arrived is still parsed below
        return RawResponse.TryParse(received.ToArray(), complete: true) ?? new RawResponse(0, new Dictionary<string, string>(), "");
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        try { await Response; } catch (Exception) { }
    }
}

/// <summary>A status, headers (names lower-cased) and the body as text; status 0 when nothing came.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public override string ToString() => $"{Status} {string.Join("; ", Headers.Select(h => $"{h.Key}: {h.Value}"))}\n{Body}";

    /// <summary>The response in <paramref name="bytes"/>, or null while it is incomplete; with
    /// <paramref name="complete"/> (the connection closed), whatever arrived.</summary>
    public static RawResponse? TryParse(byte[] bytes, bool complete)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0) return null;
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var rest = bytes.AsSpan(end + 4);
        RawResponse With(ReadOnlySpan<byte> body) => new(status, headers, Encoding.UTF8.GetString(body));

        if (headers.TryGetValue("content-length", out var lengthText) && int.Parse(lengthText) is var length)
            return rest.Length >= length ? With(rest[..length]) : complete ? With(rest) : null;
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked"))
        {
            var body = new MemoryStream();
            while (true)
            {
                var lineEnd = rest.IndexOf("\r\n"u8);
                if (lineEnd < 0) return complete ? With(body.ToArray()) : null;
                var size = Convert.ToInt32(Encoding.ASCII.GetString(rest[..lineEnd]), 16);
                if (size == 0) return With(body.ToArray());
                if (rest.Length < lineEnd + 2 + size + 2) return complete ? With(body.ToArray()) : null;
                body.Write(rest.Slice(lineEnd + 2, size));
                rest = rest[(lineEnd + 2 + size + 2)..];
            }
        }
        return complete ? With(rest) : null;
    }
}
