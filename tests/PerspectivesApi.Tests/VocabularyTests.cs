using System.Text.Json.Nodes;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>Every controlled vocabulary is defined once, one line per value, and the contract carries the
/// definitions: a client reading openapi/v1.json learns what "reported" or "medium" means.</summary>
public sealed class VocabularyTests(ArchiveApp app) : IClassFixture<ArchiveApp>
{
    [Fact]
    public void Each_vocabulary_spells_every_term_with_its_definition_in_its_description()
    {
        foreach (var (vocabulary, described) in Vocabulary.All)
        {
            Assert.True(vocabulary.Terms.Count >= 2, vocabulary.Name);
            Assert.Equal(vocabulary.Terms.Count, vocabulary.Terms.Select(t => t.Value).Distinct().Count());
            foreach (var term in vocabulary.Terms)
            {
                Assert.False(string.IsNullOrWhiteSpace(term.Definition), $"{vocabulary.Name} '{term.Value}' has no definition");
                Assert.DoesNotContain('\n', term.Definition);
                Assert.Contains($"`{term.Value}`: {term.Definition}", described);
            }
        }
        // Deprecated terms are kept for stored data and refused on new writes.
        Assert.DoesNotContain("quoted", Vocabulary.CreditRoles.Values);
        Assert.Contains("quoted", Vocabulary.CreditRoles.AllValues);
    }

    [Fact]
    public async Task The_contract_defines_every_value_of_every_vocabulary()
    {
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"))!;
        var descriptions = string.Join("\n", Descriptions(document));
        foreach (var (vocabulary, _) in Vocabulary.All)
        foreach (var term in vocabulary.Terms)
            Assert.True(descriptions.Contains(term.Definition, StringComparison.Ordinal), $"the contract does not define {vocabulary.Name} '{term.Value}': {term.Definition}");
    }

    private static IEnumerable<string> Descriptions(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(m => m.Key == "description" && m.Value is JsonValue v && v.TryGetValue<string>(out var text) ? [text] : Descriptions(m.Value)),
        JsonArray a => a.SelectMany(Descriptions),
        _ => [],
    };
}
