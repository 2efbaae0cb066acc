using System.Globalization;
using System.Security.Claims;
using Bridge.Admin.Stores;
using Bridge.Gateway.Auth;
using Bridge.Gateway.State;
using Microsoft.AspNetCore.Authentication.Cookies;
using StackExchange.Redis;

namespace Bridge.Admin.Auth;

/// <summary>
/// Checks a presented master key (the configured one, compared in constant time, or one created in the admin,
/// looked up by its SHA-256) and issues and validates admin sessions. A session carries the key's id and a
/// fingerprint of it, so changing the configured key or revoking a created one ends the sessions opened with it.
/// </summary>
public sealed class MasterKeyGate(string masterKey, MasterKeyStore store, RedisConnection redis, TimeProvider time, AdminAuthOptions options)
{
    private const string KeyIdClaim = "bridge:key_id";
    private const string KeyFingerprintClaim = "bridge:key";
    private const string SignedInAtClaim = "bridge:signed_in_at";
    // Never stored in the cookie: added per request (AdminCookieEvents), so a circuit knows when its cookie ends.
    private const string SessionEndsAtClaim = "bridge:session_ends_at";

    // Derived with a domain label and truncated; the key itself never leaves this class.
    private readonly MasterKeyIdentity _configured = new(MasterKeyEntry.ConfigurationId, Fingerprint(SecretComparer.Hash(masterKey)));

    /// <summary>The identity of the presented master key, or null when it is none (or Redis cannot tell right now).</summary>
    public async Task<MasterKeyIdentity?> VerifyAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(presented)) return null;
        if (SecretComparer.FixedTimeEquals(presented, masterKey)) return _configured;
        if (!redis.IsConfigured) return null;
        try
        {
            return await store.FindBySecretAsync(presented, cancellationToken) is { } record
                ? new MasterKeyIdentity(record.Id, Fingerprint(SecretComparer.Hash(presented)))
                : null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    public ClaimsPrincipal CreatePrincipal(MasterKeyIdentity key)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, "admin"),
            new Claim(ClaimTypes.Role, "admin"),
            new Claim(KeyIdClaim, key.Id),
            new Claim(KeyFingerprintClaim, key.Fingerprint),
            new Claim(SignedInAtClaim, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ], CookieAuthenticationDefaults.AuthenticationScheme);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// A copy of <paramref name="principal"/> that also says when its cookie expires. The cookie handler enforces that
    /// for requests; a Blazor circuit holds the principal of the request that opened it and makes no more, so
    /// <see cref="IsCurrentAsync"/> checks it for the circuit.
    /// </summary>
    public static ClaimsPrincipal WithSessionEnd(ClaimsPrincipal principal, DateTimeOffset endsAt)
    {
        var identities = principal.Identities.Select(i => i.Clone()).ToList();
        var first = identities[0];
        foreach (var stale in first.FindAll(SessionEndsAtClaim).ToList()) first.RemoveClaim(stale);
        first.AddClaim(new Claim(SessionEndsAtClaim, endsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(identities);
    }

    /// <summary>
    /// False when the session is older than the absolute lifetime, past its cookie's expiry (when the principal says
    /// it), was opened with another configured key, or with an admin-created key that has since been revoked (or
    /// cannot be checked because Redis is unreachable).
    /// </summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        if (!long.TryParse(principal.FindFirstValue(SignedInAtClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var signedInAt)) return false;
        var now = time.GetUtcNow();
        if (now - DateTimeOffset.FromUnixTimeSeconds(signedInAt) >= options.AbsoluteLifetime) return false;
        if (principal.FindFirstValue(SessionEndsAtClaim) is { } endsText
            && (!long.TryParse(endsText, NumberStyles.None, CultureInfo.InvariantCulture, out var endsAt) || now >= DateTimeOffset.FromUnixTimeSeconds(endsAt)))
        {
            return false;
        }
        var id = principal.FindFirstValue(KeyIdClaim);
        var fingerprint = principal.FindFirstValue(KeyFingerprintClaim);
        if (id is null || fingerprint is null) return false;
        if (id == _configured.Id) return fingerprint == _configured.Fingerprint;
        if (!redis.IsConfigured) return false;
        try
        {
            return await store.HashOfAsync(id, cancellationToken) is { } hash && Fingerprint(hash) == fingerprint;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    private static string Fingerprint(string sha256) => SecretComparer.Hash("bridge-admin-session\n" + sha256)[..16];
}
