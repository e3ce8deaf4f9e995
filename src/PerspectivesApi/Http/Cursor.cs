using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PerspectivesApi.Http;

/// <summary>The position after which the next page starts, bound to the query that produced it.</summary>
/// <param name="Query">A fingerprint of the collection, filters and sort; a cursor is only valid for the same query.</param>
/// <param name="Key">The sort key of the last item returned.</param>
/// <param name="Id">The tie-breaker of the last item returned (its id, or a full-text index rowid).</param>
public sealed record Cursor(string Query, object Key, object Id)
{
    /// <summary>The longest token the archive issues, with room to spare: the longest sort key (a 500-character
    /// title, every character escaped) in base64url, plus the fingerprint and signature.</summary>
    public const int MaxLength = 6144;

    /// <summary>A token's form: base64url payload, a dot, base64url signature.</summary>
    public const string Pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$";
}

/// <summary>Turns cursors into opaque tokens and back. Tokens are signed (HMAC-SHA256 with the
/// archive's own secret) so that a tampered or invented cursor is refused, not followed.</summary>
public sealed class CursorCodec(byte[] secret)
{
    private const int SignatureBytes = 16;

    public string Encode(Cursor cursor)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new object[] { cursor.Query, cursor.Key, cursor.Id });
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Sign(payload));
    }

    public bool TryDecode(string token, out Cursor cursor)
    {
        cursor = null!;
        var dot = token.IndexOf('.');
        if (dot <= 0) return false;
        if (!TryDecodeBase64Url(token[..dot], out var payload) || !TryDecodeBase64Url(token[(dot + 1)..], out var signature)) return false;
        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload))) return false;
        try
        {
            var parts = JsonSerializer.Deserialize<JsonElement[]>(payload);
            if (parts is not [{ ValueKind: JsonValueKind.String } query, var key, var id]) return false;
            if (Value(key) is not { } keyValue || Value(id) is not { } idValue) return false;
            cursor = new Cursor(query.GetString()!, keyValue, idValue);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static object? Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number when element.TryGetInt64(out var integer) => integer,
        JsonValueKind.Number => element.GetDouble(),
        _ => null,
    };

    /// <summary>A short, stable fingerprint of a query, for binding cursors to it.</summary>
    public static string Fingerprint(string canonicalQuery) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalQuery))[..12]);

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(secret, payload)[..SignatureBytes];

    private static bool TryDecodeBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || !Base64Url.IsValid(text)) return false;
        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }
}
