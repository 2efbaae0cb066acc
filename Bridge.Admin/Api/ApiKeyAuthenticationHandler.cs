using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Bridge.Admin.Auth;
using Bridge.Admin.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Bridge.Admin.Api;

/// <summary>
/// The management API's authentication: a master key (configured or admin-created) sent as
/// <c>Authorization: Bearer</c> or <c>x-api-key</c>. The admin's session cookie is not accepted here.
/// Wrong keys count against the client's address in the same <see cref="LoginThrottle"/> as the sign-in page,
/// so the API is no faster way to guess: once locked out, every key from that address gets 429.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, MasterKeyGate gate, LoginThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MasterKey";

    // Set on the request when its address is locked out, so the challenge answers 429 instead of 401.
    private static readonly object RetryAfterItem = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null) return AuthenticateResult.NoResult();
        var client = ClientAddress.Of(Context);
        // Locked out: refused without looking at the key, so a guess made now teaches nothing.
        if (throttle.RetryAfter(client) is { } wait) return Throttled(client, wait);
        if (await gate.VerifyAsync(presented, Context.RequestAborted) is not { } key)
        {
            var failures = throttle.RecordFailure(client);
            AdminLog.ApiKeyRefused(Logger, client, failures);
            return throttle.RetryAfter(client) is { } lockout ? Throttled(client, lockout) : AuthenticateResult.Fail("Invalid master key.");
        }
        // A burst of guesses in flight together may have locked the address meanwhile: a right key does not get through then.
        // Success does not clear the count (unlike sign-in): a busy script would otherwise reset a guesser behind the same address.
        if (throttle.RetryAfter(client) is { } raced) return Throttled(client, raced);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api"), new Claim(ClaimTypes.Role, "admin"), new Claim("bridge:key_id", key.Id)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Throttled(string client, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        AdminLog.ApiKeyThrottled(Logger, client, seconds);
        Context.Items[RetryAfterItem] = seconds;
        return AuthenticateResult.Fail("Too many invalid master keys from this address.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[RetryAfterItem] is int seconds)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Response.WriteAsJsonAsync(ApiErrors.Body(
                $"Too many invalid master keys from this address; retry in {seconds} s.", "rate_limit_error", null));
            return;
        }
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
