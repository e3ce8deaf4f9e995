using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Curation;

/// <summary>A curator's key as listed: never the secret.</summary>
public sealed record ApiKeyInfo(long Id, string Name, string Prefix, string CreatedAt, string? RevokedAt);

/// <summary>Curators' API keys. The secret is shown once, at creation; the archive keeps only its
/// SHA-256, so a leaked database does not leak keys.</summary>
public sealed class ApiKeys(Database database)
{
    /// <summary>Every secret starts with it, followed by 43 base64url characters: what makes a key
    /// recognizable wherever it must be redacted (<see cref="Http.Redaction"/>).</summary>
    public const string SecretPrefix = "pa_";

    public async Task<(ApiKeyInfo Key, string Secret)> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!Data.CorpusImport.IsSlug(name)) throw new ArgumentException($"'{name}' is not a valid key name: use lowercase letters, digits and hyphens.");
        // The seed corpus's revisions are told apart by this name (db/seed update trusts them): no key may take it.
        if (name == Data.SeedCorpus.Curator) throw new ArgumentException($"'{name}' is reserved for the seed corpus; choose another name.");
        var secret = SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var key = await connection.QuerySingleAsync<ApiKeyInfo>("""
                INSERT INTO api_keys (name, secret_hash, prefix, created_at) VALUES (@name, @hash, @prefix, @now)
                RETURNING id, name, prefix, created_at AS createdAt, revoked_at AS revokedAt
                """, new { name, hash = Hash(secret), prefix = secret[..8], now = Now() });
            return (key, secret);
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw new ArgumentException($"A key named '{name}' already exists; revoke it or choose another name.");
        }
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ApiKeyInfo>(
            "SELECT id, name, prefix, created_at AS createdAt, revoked_at AS revokedAt FROM api_keys ORDER BY id")).ToList();
    }

    /// <returns>false when no active key has that name.</returns>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE name = @name AND revoked_at IS NULL", new { name, now = Now() }) == 1;
    }

    /// <summary>The active key a secret belongs to, or null (unknown or revoked).</summary>
    public async Task<ApiKeyInfo?> FindActiveAsync(string secret, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyInfo>(new CommandDefinition(
            "SELECT id, name, prefix, created_at AS createdAt, revoked_at AS revokedAt FROM api_keys WHERE secret_hash = @hash AND revoked_at IS NULL",
            new { hash = Hash(secret) }, cancellationToken: cancellationToken));
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
}

/// <summary>The command line for keys: <c>keys create --name alice</c>, <c>keys list</c>,
/// <c>keys revoke --name alice</c>. Runs against the configured archive and exits.</summary>
public static class KeysCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "keys";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error)
    {
        var keys = services.GetRequiredService<ApiKeys>();
        string? Option(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }
        try
        {
            switch (args.ElementAtOrDefault(1))
            {
                case "create" when Option("--name") is { } name:
                    var (key, secret) = await keys.CreateAsync(name);
                    await output.WriteLineAsync($"Created key '{key.Name}' (id {key.Id}). Its secret, shown only this once:");
                    await output.WriteLineAsync(secret);
                    await output.WriteLineAsync("Send it as: Authorization: Bearer <secret>");
                    return 0;
                case "list":
                    foreach (var k in await keys.ListAsync())
                        await output.WriteLineAsync($"{k.Id}\t{k.Name}\t{k.Prefix}…\tcreated {k.CreatedAt}\t{(k.RevokedAt is null ? "active" : "revoked " + k.RevokedAt)}");
                    return 0;
                case "revoke" when Option("--name") is { } name:
                    if (await keys.RevokeAsync(name)) { await output.WriteLineAsync($"Revoked key '{name}'."); return 0; }
                    await error.WriteLineAsync($"No active key is named '{name}'.");
                    return 1;
                default:
                    await error.WriteLineAsync("usage: keys create --name NAME | keys list | keys revoke --name NAME");
                    return 2;
            }
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
    }
}
