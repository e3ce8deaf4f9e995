using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace PerspectivesApi.Http;

/// <summary>HEAD wherever GET works (RFC 9110 §9.3.2): a HEAD request is routed, cached and answered as the
/// GET it mirrors, and its body is dropped on the way out, so its status and headers are GET's by
/// construction. Routes declare GET alone, so HEAD never appears as an operation of its own in the contract.
/// Kestrel drops a HEAD body too; dropping it here as well makes every server (the tests' included) agree.</summary>
public static class HeadRequests
{
    private sealed class Marker;

    private static readonly object Key = new Marker();

    /// <summary>Whether this GET is really a HEAD: a handler whose work is all in the body (an export) may
    /// then skip the work, having set its headers.</summary>
    public static bool IsHeadRequest(this HttpContext http) => http.Items.ContainsKey(Key);

    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }
        var body = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        http.Items[Key] = Key;
        http.Request.Method = HttpMethods.Get;
        http.Features.Set<IHttpResponseBodyFeature>(new DroppedBody(body));
        try
        {
            await next(http);
        }
        finally
        {
            http.Features.Set(body);
            http.Request.Method = HttpMethods.Head;
        }
    });

    /// <summary>A response body that sends its headers when GET's would be sent (at the first write or
    /// flush) and drops every byte.</summary>
    private sealed class DroppedBody(IHttpResponseBodyFeature inner) : Stream, IHttpResponseBodyFeature
    {
        private PipeWriter? writer;

        public Stream Stream => this;

        public PipeWriter Writer => writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

        public void DisableBuffering() => inner.DisableBuffering();

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public async Task CompleteAsync()
        {
            if (writer is not null) await writer.CompleteAsync();
            await inner.CompleteAsync();
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.StartAsync().GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.StartAsync(cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => Flush();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.StartAsync(cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => new(inner.StartAsync(cancellationToken));

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
