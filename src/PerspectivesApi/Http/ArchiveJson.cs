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
    private static (JsonSerializerOptions For, ArchiveJsonContext Context)? bound;

    /// <summary>The generated writer of <typeparamref name="T"/> (null when the context does not list it), for the
    /// HTTP options <paramref name="http"/>. The HTTP options reach the context through a resolver chain, and through
    /// a chain System.Text.Json walks the generated metadata as it walks reflection's; only a context that owns its
    /// options runs the code the generator wrote to write each type directly ("fast path", about twice as fast).
    /// That context gets a copy of the HTTP options, so it writes the same bytes: the same escaping (ASP.NET Core's
    /// relaxed encoder) and naming (ArchiveJsonTests compare it with the reflection serializer).</summary>
    public static JsonTypeInfo<T>? Writer<T>(JsonSerializerOptions http)
    {
        var current = bound;
        if (current is not { } pair || !ReferenceEquals(pair.For, http))
        {
            var options = new JsonSerializerOptions(http) { TypeInfoResolver = null };
            options.TypeInfoResolverChain.Clear();
            current = (http, new ArchiveJsonContext(options));
            bound = current;
        }
        return current.Value.Context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>;
    }
}
