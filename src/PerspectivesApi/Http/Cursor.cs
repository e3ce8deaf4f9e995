using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PerspectivesApi.Http;

/// <summary>The position after which the next page starts, bound to the query that produced it.</summary>
/// <param name="Query">A fingerprint of the collection, filters and sort; a cursor is only valid for the same query.</param>
/// <param name="Key">The sort key of the last item returned.</param>
/// <param name="Id">The id of the last item returned.</param>
public sealed record Cursor(string Query, string Key, string Id);

/// <summary>Turns cursors into opaque tokens and back. Tokens are signed (HMAC-SHA256 with the
/// archive's own secret) so that a tampered or invented cursor is refused, not followed.</summary>
public sealed class CursorCodec(byte[] secret)
{
    private const int SignatureBytes = 16;

    public string Encode(Cursor cursor)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new[] { cursor.Query, cursor.Key, cursor.Id });
        return Base64Url.Encode(payload) + "." + Base64Url.Encode(Sign(payload));
    }

    public bool TryDecode(string token, out Cursor cursor)
    {
        cursor = null!;
        var dot = token.IndexOf('.');
        if (dot <= 0) return false;
        if (!Base64Url.TryDecode(token[..dot], out var payload) || !Base64Url.TryDecode(token[(dot + 1)..], out var signature)) return false;
        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload))) return false;
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(payload);
            if (parts is not [var query, var key, var id]) return false;
            cursor = new Cursor(query, key, id);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A short, stable fingerprint of a query, for binding cursors to it.</summary>
    public static string Fingerprint(string canonicalQuery) =>
        Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalQuery))[..12]);

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(secret, payload)[..SignatureBytes];
}

internal static class Base64Url
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))) return false;
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
