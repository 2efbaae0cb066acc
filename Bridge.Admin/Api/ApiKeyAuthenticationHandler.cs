using System.Security.Claims;
using System.Text.Encodings.Web;
using Bridge.Admin.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Bridge.Admin.Api;

/// <summary>
/// The management API's authentication: a master key (configured or admin-created) sent as
/// <c>Authorization: Bearer</c> or <c>x-api-key</c>. The admin's session cookie is not accepted here.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, MasterKeyGate gate)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MasterKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null) return AuthenticateResult.NoResult();
        if (await gate.VerifyAsync(presented, Context.RequestAborted) is not { } key) return AuthenticateResult.Fail("Invalid master key.");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api"), new Claim(ClaimTypes.Role, "admin"), new Claim("bridge:key_id", key.Id)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var message = PresentedKey(Request) is null
            ? "Missing master key: send it as 'Authorization: Bearer <key>' or 'x-api-key'."
            : "Invalid master key.";
        await Response.WriteAsJsonAsync(ApiErrors.Body(message, "authentication_error", null));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Response.WriteAsJsonAsync(ApiErrors.Body("Forbidden.", "permission_error", null));
    }

    public static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7) return authorization[7..].Trim();
        return request.Headers["x-api-key"].ToString() is { Length: > 0 } apiKey ? apiKey.Trim() : null;
    }
}
