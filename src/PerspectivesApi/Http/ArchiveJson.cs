using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PerspectivesApi.Articles;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Http;

/// <summary>Serialization code generated at build time for the representations read most: an export
/// writes millions of items, and the reflection-based serializer cost about a tenth of its CPU.
/// Any type not listed here is still serialized by reflection, with the same options.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Stance))]
[JsonSerializable(typeof(Page<Stance>))]
[JsonSerializable(typeof(ArticleSummary))]
[JsonSerializable(typeof(Page<ArticleSummary>))]
[JsonSerializable(typeof(ArticleDetail))]
[JsonSerializable(typeof(TopicSummary))]
internal sealed partial class ArchiveJsonContext : JsonSerializerContext;

/// <summary>The generated writers, with the HTTP options' settings.</summary>
internal static class ArchiveJson
{
    /// <summary><paramref name="value"/> as JSON, written by the code the generator wrote for <typeparamref name="T"/>;
    /// null when <see cref="ArchiveJsonContext"/> does not list it. System.Text.Json runs that code (its "fast path")
    /// only for a context whose options are the generated ones; the HTTP options reach the context through a resolver
    /// chain, and differ in their encoder (ASP.NET Core's relaxed one), so the serializer walks the generated metadata
    /// property by property instead, as it walks reflection's. Here the generated code is called directly, with a writer
    /// that has the HTTP options' encoder: the same bytes (ArchiveJsonTests compare them with the reflection
    /// serializer's), written about twice as fast (bench/PERF.md).</summary>
    public static byte[]? Write<T>(T value, JsonSerializerOptions http)
    {
        if (Generated<T>.Handler is not { } write) return null;
        // One buffer and writer per thread, as the serializer's own pooled buffers: the page is copied out once.
        var scratch = Scratch;
        if (scratch is null || scratch.Options.Encoder != http.Encoder || scratch.Options.Indented != http.WriteIndented)
            Scratch = scratch = new ScratchWriter(new JsonWriterOptions { Encoder = http.Encoder, Indented = http.WriteIndented, SkipValidation = true });
        try
        {
            write(scratch.Writer, value);
            scratch.Writer.Flush();
            return scratch.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            scratch.Reset();
        }
    }

    [ThreadStatic] private static ScratchWriter? Scratch;

    private sealed class ScratchWriter
    {
        /// <summary>Past this, a buffer grown for one large answer is let go rather than kept for the thread.</summary>
        private const int KeptCapacity = 1 << 20;

        public ScratchWriter(JsonWriterOptions options)
        {
            Options = options;
            Buffer = new ArrayBufferWriter<byte>(64 * 1024);
            Writer = new Utf8JsonWriter(Buffer, options);
        }

        public JsonWriterOptions Options { get; }
        public ArrayBufferWriter<byte> Buffer { get; private set; }
        public Utf8JsonWriter Writer { get; private set; }

        /// <summary>Empty again for the thread's next answer, whether this one was written or failed halfway.</summary>
        public void Reset()
        {
            if (Buffer.Capacity > KeptCapacity)
            {
                Buffer = new ArrayBufferWriter<byte>(64 * 1024);
                Writer = new Utf8JsonWriter(Buffer, Options);
                return;
            }
            Buffer.ResetWrittenCount();
            Writer.Reset(Buffer);
        }
    }

    private static class Generated<T>
    {
        public static readonly Action<Utf8JsonWriter, T>? Handler = (ArchiveJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>)?.SerializeHandler;
    }
}
