using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace PerspectivesApi.Http;

/// <summary>Settings of response compression (<c>Compression</c> section).</summary>
public sealed class CompressionOptions
{
    /// <summary>Brotli or gzip, as the client's Accept-Encoding prefers, for JSON, problems, CSV, NDJSON and
    /// the OpenAPI document. Off, every answer is sent as is.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Brotli's quality, 0 to 11. At 2 it compresses about as fast as gzip's fastest level and as well
    /// as gzip's best (bench/COMPRESSION.md). Qualities 0 and 1 compress each write on its own: the OpenAPI
    /// document, written in 4 KB pieces, came out 6 times larger than at 2.</summary>
    public int BrotliQuality { get; set; } = 2;

    /// <summary>For clients that accept gzip but not Brotli.</summary>
    public CompressionLevel GzipLevel { get; set; } = CompressionLevel.Fastest;
}

/// <summary>Response compression with ASP.NET Core's middleware, and its consequences for caching.
/// <list type="bullet">
/// <item>It runs outside the server-side response cache, which keeps each answer once, uncompressed, and
/// has it compressed on the way out for each client; <c>Vary: Accept-Encoding</c> tells other caches.</item>
/// <item>A strong ETag names exact bytes, so a compressed answer gets its own: the coding is appended
/// (<c>"abc"</c> becomes <c>"abc+br"</c>). Sent back in If-None-Match or If-Match, the coded tag is read
/// as the representation it encodes, so a 304 and a conditional write work whichever encoding the client
/// got; a 304 names the coded tag the client holds.</item>
/// <item>Over HTTPS too. BREACH needs a secret in a compressed body beside text an attacker controls, sent
/// with credentials a browser attaches by itself; the archive's answers hold no secret and its only
/// credential is a Bearer key no browser sends on its own.</item>
/// <item>Not the SQLite snapshot: gigabytes compressed on the fly would cost a core per download, and
/// its length (Content-Length) would be lost.</item>
/// </list></summary>
public static partial class Compression
{
    /// <summary>The framework's defaults (text, JavaScript, JSON: Swagger UI and the OpenAPI document) and the archive's own formats.</summary>
    public static readonly string[] MediaTypes =
        [.. ResponseCompressionDefaults.MimeTypes, "application/problem+json", ListFormats.Csv, ListFormats.Ndjson];

    private static readonly string[] Codings = ["br", "gzip"];

    public static IServiceCollection AddArchiveCompression(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Compression").Get<CompressionOptions>() ?? new CompressionOptions();
        if (options.BrotliQuality is < 0 or > 11)
            throw new InvalidOperationException($"Compression:BrotliQuality must be 0 to 11; it is {options.BrotliQuality}.");
        services.AddSingleton(options);
        services.AddSingleton<IResponseCompressionProvider, CodedETagCompressionProvider>(); // before the framework's, which is added only if none is
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add(new BrotliProvider(options.BrotliQuality)); // preferred when a client accepts both equally
            compression.Providers.Add<GzipCompressionProvider>();
            compression.MimeTypes = MediaTypes;
        });
        services.Configure<GzipCompressionProviderOptions>(gzip => gzip.Level = options.GzipLevel);
        return services;
    }

    public static IApplicationBuilder UseArchiveCompression(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<CompressionOptions>().Enabled) return app;
        var provider = app.ApplicationServices.GetRequiredService<IResponseCompressionProvider>();
        app.Use((http, next) =>
        {
            ReadCodedTags(http);
            // The middleware says Vary only when it compresses; a cache must learn it from every answer that could
            // have been compressed, an identity one or a 304 included.
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode == StatusCodes.Status304NotModified || provider.ShouldCompressResponse(http)) VaryByCoding(http.Response);
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app.UseResponseCompression();
    }

    /// <summary>"tag+coding", weak or strong, in a conditional header.</summary>
    [GeneratedRegex("\"(?<tag>[^\"]*)\\+(?<coding>br|gzip)\"")]
    private static partial Regex CodedTag();

    /// <summary>Rewrites If-None-Match and If-Match so that the handlers, the response cache and the writes
    /// compare the representation a coded tag encodes; a 304 is then answered with the coded tag it matched.</summary>
    private static void ReadCodedTags(HttpContext http)
    {
        var request = http.Request;
        if (request.Headers.IfMatch.Count > 0)
            request.Headers.IfMatch = CodedTag().Replace(request.Headers.IfMatch.ToString(), "\"${tag}\"");
        if (request.Headers.IfNoneMatch.Count == 0) return;
        var sent = request.Headers.IfNoneMatch.ToString();
        var coded = CodedTag().Matches(sent).Select(m => (Tag: m.Groups["tag"].Value, Coding: m.Groups["coding"].Value)).ToList();
        if (coded.Count == 0) return;
        request.Headers.IfNoneMatch = CodedTag().Replace(sent, "\"${tag}\"");
        http.Response.OnStarting(() =>
        {
            var response = http.Response;
            if (response.StatusCode == StatusCodes.Status304NotModified
                && EntityTagHeaderValue.TryParse(response.Headers.ETag.ToString(), out var etag) && !etag.IsWeak)
            {
                var tag = etag.Tag.AsSpan().Trim('"').ToString();
                var held = coded.FirstOrDefault(c => c.Tag == tag);
                if (held.Coding is not null) response.Headers.ETag = Coded(tag, held.Coding);
            }
            return Task.CompletedTask;
        });
    }

    private static void VaryByCoding(HttpResponse response)
    {
        if (!response.Headers.GetCommaSeparatedValues(HeaderNames.Vary).Contains(HeaderNames.AcceptEncoding, StringComparer.OrdinalIgnoreCase))
            response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
    }

    private static string Coded(string tag, string coding) => $"\"{tag}+{coding}\"";

    /// <summary>Brotli at a chosen quality: the framework's provider offers only the levels, and its fastest
    /// (quality 1) loses most of the gain on answers written in pieces.</summary>
    private sealed class BrotliProvider(int quality) : ICompressionProvider
    {
        public string EncodingName => "br";

        public bool SupportsFlush => true;

        public Stream CreateStream(Stream outputStream) =>
            new BrotliStream(outputStream, new BrotliCompressionOptions { Quality = quality }, leaveOpen: true);
    }

    /// <summary>The framework's choice of coding, which also gives a strong ETag the coding's suffix: at that
    /// moment the handler has set its headers and not yet written a byte.</summary>
    private sealed class CodedETagCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
        : ResponseCompressionProvider(services, options)
    {
        public override ICompressionProvider? GetCompressionProvider(HttpContext context)
        {
            var provider = base.GetCompressionProvider(context);
            var headers = context.Response.Headers;
            if (provider is not null && Codings.Contains(provider.EncodingName)
                && EntityTagHeaderValue.TryParse(headers.ETag.ToString(), out var etag) && !etag.IsWeak)
                headers.ETag = Coded(etag.Tag.AsSpan().Trim('"').ToString(), provider.EncodingName);
            return provider;
        }
    }
}
