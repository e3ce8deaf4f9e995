using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using PerspectivesApi.Data;

namespace PerspectivesApi.Curation;

/// <summary>Every problem found in a request body, by the field's JSON path, so that one answer
/// lists them all. The same rules check a resource sent alone and one inside an import's manifest:
/// <see cref="At"/> gives the view through which a manifest entry's errors get their place in the
/// manifest (<c>outlets[0].url</c>) in front of the field's own name.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors;
    private readonly string prefix;

    public FieldErrors() : this([], "") { }

    private FieldErrors(Dictionary<string, List<string>> errors, string prefix)
    {
        this.errors = errors;
        this.prefix = prefix;
    }

    /// <summary>The errors of the document at <paramref name="path"/>, recorded in this same list.</summary>
    public FieldErrors At(string path) => new(errors, prefix + path + ".");

    /// <summary>How many fields have errors, in the whole list.</summary>
    public int Count => errors.Count;

    public bool Has(string field) => errors.ContainsKey(prefix + field);

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void Add(string field, string message)
    {
        var key = field.Length == 0 ? prefix.TrimEnd('.') : prefix + field;
        if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
        list.Add(message);
    }

    public bool Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) { Add(field, "is required."); return false; }
        return MaxLength(field, value, maxLength);
    }

    /// <summary>An optional text: null, or something to say (not blank), of at most <paramref name="maxLength"/> characters.</summary>
    public bool NotBlank(string field, string? value, int maxLength)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value)) { Add(field, "must be null or say something; it is blank."); return false; }
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
        else MaxLength(field, value, Bounds.Url);
    }

    /// <summary>The id a document is stored under; whether one is required is the writer's to say.</summary>
    public void Id(string field, string? id)
    {
        if (id is not null && !CorpusImport.IsSlug(id))
            Add(field, $"'{id}' is not a slug: lowercase letters, digits and single hyphens, at most 80 characters.");
    }

    /// <summary>Checks that <paramref name="id"/> names a record of <paramref name="model"/>'s kind, in
    /// the archive or among the records written with this one.</summary>
    public async Task ReferenceAsync<T>(WriteContext context, string field, string? id, WriteModel<T> model) where T : class
    {
        if (id is null) return;
        if (!CorpusImport.IsSlug(id)) { Add(field, $"'{id}' is not an id."); return; }
        if (!await context.ExistsAsync(model, id)) Add(field, $"refers to {model.Resource} '{id}', which does not exist.");
    }

    /// <summary>Checks every text field of <paramref name="document"/> (nested records and lists
    /// included, named by their JSON paths) with <see cref="PlainText"/>.</summary>
    public void PlainTextEverywhere(object document, IReadOnlyCollection<string> textBlocks, string path = "")
    {
        foreach (var property in document.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            var field = path + JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var value = property.GetValue(document);
            if (value is IEnumerable<object> items)
            {
                var index = 0;
                foreach (var item in items) Check($"{field}[{index++}]", item);
            }
            else Check(field, value);
        }

        void Check(string field, object? value)
        {
            if (value is string text) PlainText(field, text, textBlocks.Contains(field));
            // Only the archive's own records are walked into: the documents are made of them and of strings.
            else if (value is not null && value.GetType().Namespace?.StartsWith(nameof(PerspectivesApi), StringComparison.Ordinal) == true)
                PlainTextEverywhere(value, textBlocks, field + ".");
        }
    }

    /// <summary>Text is stored and served as sent, into JSON, CSV, terminals and other programs'
    /// C strings: control characters (NUL, escape, backspace…), the noncharacters U+FFFE and U+FFFF
    /// and unpaired surrogates have no place in it. Line breaks (\n) and tabs belong only in a text
    /// block (an article's body, and the quotes taken from it); every other field is one line.</summary>
    public bool PlainText(string field, string? value, bool textBlock = false)
    {
        if (value is null) return true;
        var position = 0;
        for (var i = 0; i < value.Length; i++, position++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            var problem = c switch
            {
                '\n' or '\t' when textBlock => null,
                '\n' or '\t' or '\r' when !textBlock => "must be a single line without tabs",
                '\r' => "must end its lines with \\n alone, without carriage returns",
                _ when char.IsControl(c) => "must not contain control characters",
                _ when char.IsSurrogate(c) => "must be valid Unicode: it has an unpaired surrogate",
                '\uFFFE' or '\uFFFF' => "must be valid Unicode: it has a noncharacter",
                _ => null,
            };
            if (problem is null) continue;
            Add(field, $"{problem}; found U+{(int)c:X4} at character {position + 1}.");
            return false;
        }
        return true;
    }
}

public static class Slugs
{
    /// <summary>A slug derived from a name or title: "Radio Free Europe/RL" → "radio-free-europe-rl".</summary>
    public static string From(string text)
    {
        var plain = new StringBuilder();
        foreach (var c in ArticleText.NormalizeOrKeep(text, NormalizationForm.FormKD))
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
