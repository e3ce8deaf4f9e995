using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PerspectivesApi.Curation;

/// <summary>Reads stay anonymous; writes need a curator's key, sent as <c>Authorization: Bearer &lt;key&gt;</c>.
/// A missing, unknown or revoked key is a 401 problem with a <c>WWW-Authenticate</c> challenge.</summary>
public sealed class CuratorAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Scheme = "Bearer";
    public const string Policy = "curator";
    public const string KeyIdClaim = "key_id";

    /// <summary>Why authentication failed, for the problem's detail (never the key itself).</summary>
    private const string FailureItem = "curator-auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return Fail("The request has no Authorization header; writes need a curator key: Authorization: Bearer <key>.");
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Fail("The Authorization header must use the Bearer scheme: Authorization: Bearer <key>.");
        var key = await keys.FindActiveAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (key is null) return Fail("The key is not a valid curator key, or it has been revoked.");

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, key.Name), new Claim(KeyIdClaim, key.Id.ToString())], Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme));
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var invalid = Context.Items.ContainsKey(FailureItem) && Request.Headers.Authorization.Count > 0;
        Response.Headers.WWWAuthenticate = invalid
            ? "Bearer realm=\"perspectives-archive\", error=\"invalid_token\""
            : "Bearer realm=\"perspectives-archive\"";
        return Task.CompletedTask; // the status-code-pages middleware writes the problem
    }

    /// <summary>The detail of a 401 problem.</summary>
    public static string? FailureReason(HttpContext http) => http.Items[FailureItem] as string;
}

public static class CuratorServices
{
    public static IServiceCollection AddCurators(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeys>();
        services.AddAuthentication(CuratorAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, CuratorAuthentication>(CuratorAuthentication.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(CuratorAuthentication.Policy, policy => policy.RequireAuthenticatedUser());
        return services;
    }

    public static string CuratorName(this HttpContext http) => http.User.Identity?.Name ?? throw new InvalidOperationException("No curator.");

    public static long CuratorKeyId(this HttpContext http) =>
        long.Parse(http.User.FindFirst(CuratorAuthentication.KeyIdClaim)?.Value ?? throw new InvalidOperationException("No curator."));
}
