using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace PerspectivesApi.Tests.Fuzz;

/// <summary>CsCheck generators for what a client can put in a request, valid and invalid, derived from a
/// parameter's schema in the contract. Drawn from one seeded <see cref="PCG"/>, so a run can be replayed.</summary>
public sealed class Inputs(PCG pcg, IReadOnlyDictionary<string, List<string>> corpusIds)
{
    public T Draw<T>(Gen<T> gen) => gen.Generate(pcg, null, out _);

    // Uniform draws straight from the PCG: CsCheck's own generators lean towards small and edge values,
    // which is what values need, not what choices among operations and shapes need.
    public bool Chance(double probability) => pcg.Next(1_000_000) < probability * 1_000_000;

    public T Pick<T>(IReadOnlyList<T> items) => items[(int)pcg.Next((uint)items.Count)];

    public int Below(int count) => (int)pcg.Next((uint)count);

    /// <summary>Text no honest client sends: control characters, NUL, markup, SQL and FTS syntax, long runs, non-Latin
    /// letters (no lone surrogates, which no HTTP client can encode).</summary>
    public static readonly Gen<string> Garbage = Gen.Frequency<string>(
        (4, Gen.String[Gen.Char['\u0001', '\u07ff'], 0, 24]),
        (2, Gen.OneOf("", " ", "\0", "a\0b", "%00", "'; DROP TABLE articles; --", "<script>alert(1)</script>", "../../etc/passwd",
            "null", "undefined", "NaN", "-0", "1e309", "{}", "[]", "\"", "\\", "*", "**", "a b", "😀", "ı", "Ω≈ç√", "%zz", "\t", "\u202e")),
        (1, Gen.Int[200, 3000].Select(n => new string('a', n))),
        (1, Gen.String[Gen.Char['a', 'z'], 1, 12]));

    public static readonly Gen<string> Slug = Gen.String[Gen.Char['a', 'z'], 1, 8].Array[1, 3].Select(parts => string.Join('-', parts));

    /// <summary>A value the parameter's schema accepts (for an id filter, mostly ids that exist).</summary>
    public string Valid(ContractParameter parameter, JsonObject schema)
    {
        if (schema["enum"] is JsonArray choices) return Pick(choices.Select(c => c!.GetValue<string>()).ToList());
        var type = schema["type"]?.GetValue<string>();
        var pattern = schema["pattern"]?.GetValue<string>();
        switch (type)
        {
            case "integer":
                var min = schema["minimum"]?.GetValue<long>() ?? 0;
                var max = schema["maximum"]?.GetValue<long>() ?? 2000;
                return Draw(Gen.Long[min, max]).ToString();
            case "boolean":
                return Draw(Gen.Bool) ? "true" : "false";
        }
        if (schema["format"]?.GetValue<string>() == "date")
            return $"{Draw(Gen.Int[2020, 2026])}-{Draw(Gen.Int[1, 12]):00}-{Draw(Gen.Int[1, 28]):00}";
        if (pattern == "^[A-Z]{2}$") return Draw(Gen.Frequency<string>((3, Gen.OneOf("GE", "AZ", "RU", "GB", "US")), (1, Gen.String[Gen.Char['A', 'Z'], 2, 2])));
        if (pattern?.StartsWith("^[a-z]{2,3}") == true) return Pick(["en", "ru", "az", "ka", "de", "en-GB", "pt-BR"]);
        if (pattern is not null) return CorpusIdOrSlug(parameter.Name);
        if (parameter.Name == "q") return Draw(Search);
        if (parameter.Name == "since") return Draw(Gen.Int[0, 400]).ToString();
        return Draw(Gen.String[Gen.Char['a', 'z'], 1, 10]);
    }

    /// <summary>A value the parameter's schema refuses, or plain garbage.</summary>
    public string Invalid(ContractParameter parameter, JsonObject schema)
    {
        if (Chance(0.3)) return Draw(Garbage);
        if (schema["enum"] is JsonArray choices)
            return Pick(["nonsense", "", choices[0]!.GetValue<string>().ToUpperInvariant(), "-" + choices[0]!.GetValue<string>(), choices[0]!.GetValue<string>() + " "]);
        switch (schema["type"]?.GetValue<string>())
        {
            case "integer":
                var min = schema["minimum"]?.GetValue<long>() ?? 0;
                var max = schema["maximum"]?.GetValue<long>() ?? 2000;
                return Pick([(min - 1).ToString(), (max + 1).ToString(), "1000", "abc", "1.5", "", " 5", "0x10", "99999999999999999999", "-9223372036854775809", "1e3"]);
            case "boolean":
                return Pick(["yes", "1", "0", "", "truee", "null"]);
        }
        if (schema["format"]?.GetValue<string>() == "date") return Pick(["yesterday", "2025-13-01", "2025-02-30", "2025-7-4", "04/07/2025", "", "2025", "2025-07", "0000-00-00", "2025-07-04T10:00:00Z"]);
        if (schema["pattern"] is not null) return Pick(["Not A Slug", "UPPER", new string('a', 81), "ünïcode", "-leading", "trailing-", "a--b", "", "a_b"]);
        if (parameter.Name == "q") return Pick(["\"unclosed", "AND", "a OR", "(", ")", "*", "NEAR(a b", "title:point", "a AND AND b", "NOT", "\"\"", "^", "a:", "-", "+", "OR OR", ""]);
        if (parameter.Name == "cursor") return Pick(["abc", "", "eyJ9.e30", "WyJ4Il0.c2ln", new string('A', 400), "..", "%"]);
        return Draw(Garbage);
    }

    private static readonly Gen<string> Word = Gen.OneOf("russia", "azerbaijan", "return", "point", "diaspora", "moscow", "baku", "putin", "war", "the", "zzzz", "relations", "sputnik");

    /// <summary>Honest full-text queries: words, phrases, prefixes, AND/OR/NOT.</summary>
    public static readonly Gen<string> Search = Gen.Frequency<string>(
        (4, Word),
        (2, Word.Array[2, 3].Select(words => string.Join(' ', words))),
        (1, Word.Array[2, 3].Select(words => "\"" + string.Join(' ', words) + "\"")),
        (1, Word.Select(w => w[..3] + "*")),
        (1, Gen.Select(Word, Word, (a, b) => $"{a} OR {b}")),
        (1, Gen.Select(Word, Word, (a, b) => $"{a} NOT {b}")));

    private string CorpusIdOrSlug(string parameterName)
    {
        var collection = parameterName + "s";
        if (corpusIds.TryGetValue(collection, out var ids) && ids.Count > 0 && Chance(0.75)) return Pick(ids);
        return Draw(Slug);
    }

    /// <summary>Accept headers a client may send; null for none.</summary>
    public string? Accept() => Draw(Gen.Frequency<string?>(
        (10, Gen.Const<string?>((string?)null)),
        (3, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>("*/*", "text/csv", "application/x-ndjson", "application/problem+json", "text/html", "application/xml",
            "application/json;q=0", "text/*", "application/*", "text/csv, application/json;q=0.5", "garbage/;;;", "image/png", "application/vnd.sqlite3",
            "application/json; charset=utf-8", ""))));

    /// <summary>An entity tag that matches nothing, or is not an entity tag at all.</summary>
    public string StaleOrGarbageETag() => Pick(["\"AAAAAAAAAAAAAAAAAAAAAA\"", "W/\"AAAAAAAAAAAAAAAAAAAAAA\"", "not-quoted", "\"", "\"a\", garbage", "", "W/", "\"x\",\"y\"", "\"unterminated"]);

    /// <summary>Bodies that are not the JSON object an endpoint expects.</summary>
    public static readonly Gen<string> NotAnObject = Gen.OneOf(
        "", "{", "{\"a\":", "null", "[]", "[{}]", "\"text\"", "123", "true", "{\"a\":1,}", "{'single':'quotes'}", "\u0000", "{\"a\":\"\\ud800\"}", "{\"name\\udc00\":1}", "{\"title\":\"x\\ud800\"}",
        new string('[', 5000) + new string(']', 5000), "{} {}", "<xml/>", "\ufeff{}");

    /// <summary>The body of an example, changed the way a careless or hostile client changes it.</summary>
    public JsonObject Mutate(JsonObject example)
    {
        var body = example.DeepClone().AsObject();
        var names = body.Select(p => p.Key).ToList();
        var times = Draw(Gen.Int[1, 3]);
        for (var i = 0; i < times; i++)
        {
            var name = names.Count > 0 ? Pick(names) : "id";
            switch (Below(10))
            {
                case 0: body.Remove(name); break;
                case 1: body[name] = Draw(Gen.OneOf<JsonNode?>(Gen.Const<JsonNode?>(42), Gen.Const<JsonNode?>(true), Gen.Const<JsonNode?>(new JsonArray()), Gen.Const<JsonNode?>(new JsonObject()), Gen.Const<JsonNode?>(-1.5))); break;
                case 2: body[Pick(["colour", "Id", "__proto__", "constructor", "id ", "", "extra"])] = "red"; break;
                case 3: body[name] = new string(Pick(['x', 'é', '語']), Draw(Gen.Int[300, 20_000])); break;
                case 4: body[name] = Pick(["a\0b", "\0", "line\u0001break", "tab\tand\nnewline", "\u200b", "\u202eevil"]); break;
                case 5: body[name] = null; break;
                case 6: body[name] = Draw(Garbage); break;
                case 7: body[name] = Pick(["javascript:alert(1)", "ftp://x", "http://", "https://example.org/" + new string('a', 3000), "not a url"]); break;
                case 8: body[name] = Pick(["2025-13-40", "yesterday", "0000-01-01", "9999-12-31"]); break;
                default:
                    // Inside: an object or a list element changed the same ways, a list element repeated, or junk added to a list.
                    if (body[name] is JsonObject inner) body[name] = Mutate(inner);
                    else if (body[name] is JsonArray { Count: > 0 } array && Chance(0.6))
                    {
                        var index = Below(array.Count);
                        if (Chance(0.5) && array[index] is JsonObject element) array[index] = Mutate(element);
                        else array.Add(array[index]?.DeepClone());
                    }
                    else if (body[name] is JsonArray list) list.Add(Pick<JsonNode?>([new JsonObject(), 1, "x", null, new JsonObject { ["author"] = "nobody-at-all", ["role"] = "ghost" }]));
                    else body[name] = Draw(Slug);
                    break;
            }
        }
        return body;
    }

    /// <summary>Invalid UTF-8, for a body that must be refused, never crash the parser.</summary>
    public static byte[] InvalidUtf8 => [0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d];

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
