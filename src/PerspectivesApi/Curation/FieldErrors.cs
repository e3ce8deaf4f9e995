using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Curation;

/// <summary>Every problem found in a request body, by the field's JSON path, so that one answer
/// lists them all.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = [];

    public int Count => errors.Count;

    public bool Has(string field) => errors.ContainsKey(field);

    /// <summary>Takes the errors the corpus importer found in a one-record manifest, with their
    /// <c>articles[0].</c> or <c>stances[0].</c> prefix removed.</summary>
    public void AddFromImport(CorpusValidationException exception, string list)
    {
        var prefix = list + "[0].";
        foreach (var (key, messages) in exception.Errors)
        {
            var field = key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : key;
            if (field == "id" && Has("id")) continue; // the writer has said so already
            foreach (var message in messages) Add(field, message);
        }
    }

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    public bool Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) { Add(field, "is required."); return false; }
        return MaxLength(field, value, maxLength);
    }

    public bool MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength) { Add(field, $"must be at most {maxLength} characters; it has {value.Length}."); return false; }
        return true;
    }

    public void OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool optional = false)
    {
        if (value is null && optional) return;
        if (value is null || !allowed.Contains(value)) Add(field, $"must be one of {string.Join(", ", allowed)}; got {(value is null ? "null" : $"'{value}'")}.");
    }

    public void Url(string field, string? value)
    {
        if (value is null) return;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) Add(field, $"must be an absolute http(s) URL; got '{value}'.");
        else MaxLength(field, value, 2048);
    }

    /// <summary>Checks that <paramref name="id"/> names a live row of <paramref name="table"/>.</summary>
    public async Task ExistsAsync(SqliteConnection connection, string field, string? id, string table, string what)
    {
        if (id is null) return;
        if (!CorpusImport.IsSlug(id)) { Add(field, $"'{id}' is not an id."); return; }
        // The table name comes from the write model's fixed definition, never from the request.
        if (await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE id = @id", new { id }) == 0)
            Add(field, $"refers to {what} '{id}', which does not exist.");
    }
}

public static class Slugs
{
    /// <summary>A slug derived from a name or title: "Radio Free Europe/RL" → "radio-free-europe-rl".</summary>
    public static string From(string text)
    {
        var plain = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            plain.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }
        var slug = string.Join('-', plain.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length > 80) slug = slug[..80].TrimEnd('-');
        var cut = slug.LastIndexOf('-');
        if (slug.Length == 80 && cut > 40) slug = slug[..cut];
        return slug;
    }
}
