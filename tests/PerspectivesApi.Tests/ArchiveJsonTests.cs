using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PerspectivesApi.Articles;
using PerspectivesApi.Http;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi.Tests;

/// <summary>The representations ArchiveJsonContext lists are written by its generated code (CachedJson), not
/// through the HTTP options: the bytes must be the ones the reflection serializer writes for the same value with
/// the HTTP options' settings (as the write API does to compute an ETag), or ETags and the contract would drift.</summary>
public sealed class ArchiveJsonTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    private JsonSerializerOptions Http => app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    private JsonSerializerOptions Reflection => new(Http) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public static TheoryData<string, Type> Served => new()
    {
        { "/v1/articles/point-of-no-return-aslan-ismailov", typeof(ArticleDetail) },
        // Typographic quotes and dashes, and a Russian title: the escaping must be the HTTP options' own.
        { "/v1/articles/putin-aliyev-what-is-this-game", typeof(ArticleDetail) },
        { "/v1/topics/kremlin-aims-to-restore-empire/summary", typeof(TopicSummary) },
        { "/v1/articles?limit=50", typeof(Page<ArticleSummary>) },
        { "/v1/stances?limit=100", typeof(Page<Stance>) },
        { "/v1/stances?limit=5&facet=position&facet=author", typeof(Page<Stance>) },
        { "/v1/topics/baku-moscow-rift-is-permanent/stances?limit=100", typeof(Page<Stance>) },
        { "/v1/topics/baku-moscow-rift-is-permanent/summary", typeof(TopicSummary) },
    };

    [Theory, MemberData(nameof(Served))]
    public async Task The_generated_writer_sends_the_reflection_serializers_bytes(string path, Type type)
    {
        var response = await app.CreateClient().GetAsync(path);
        response.EnsureSuccessStatusCode();
        var served = await response.Content.ReadAsByteArrayAsync();

        var value = JsonSerializer.Deserialize(served, type, Reflection)!;
        Assert.Equal(System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, type, Reflection)), System.Text.Encoding.UTF8.GetString(served));
        Assert.Equal(CachedJson.ETagOf(served), response.Headers.ETag!.Tag);
        // The generated writer, not the metadata walk, wrote it: written again from the same value, the same bytes.
        var generated = (byte[]?)typeof(ArchiveJson).GetMethod(nameof(ArchiveJson.Write))!.MakeGenericMethod(type).Invoke(null, [value, Http]);
        Assert.Equal(served, generated);
    }

    [Fact]
    public void Every_listed_type_has_the_generated_writer()
    {
        // The fast path exists only for types the generator could write directly; one it could not would
        // silently fall back to the metadata walk this was meant to avoid.
        foreach (var type in new[] { typeof(ArticleDetail), typeof(Page<ArticleSummary>), typeof(Page<Stance>), typeof(TopicSummary) })
        {
            var info = ArchiveJsonContext.Default.GetTypeInfo(type)!;
            Assert.NotNull(info.GetType().GetProperty("SerializeHandler")!.GetValue(info));
        }
    }
}
