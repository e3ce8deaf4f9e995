using System.Text.Json;
using System.Text.Json.Serialization;
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
