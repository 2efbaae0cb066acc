using System.Globalization;
using System.Security.Claims;
using Bridge.Gateway.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Bridge.Admin.Auth;

/// <summary>
/// Checks a presented master key and issues and validates admin sessions. A session carries a fingerprint of
/// the key it was opened with, so changing the master key ends every session opened with the old one.
/// </summary>
public sealed class MasterKeyGate(string masterKey, TimeProvider time, AdminAuthOptions options)
{
    private const string KeyFingerprintClaim = "bridge:key";
    private const string SignedInAtClaim = "bridge:signed_in_at";

    // Derived with a domain label and truncated; the key itself never leaves this class.
    private readonly string _fingerprint = SecretComparer.Hash("bridge-admin-session\n" + masterKey)[..16];

    public bool Verify(string? presented) => SecretComparer.FixedTimeEquals(presented, masterKey);

    public ClaimsPrincipal CreatePrincipal()
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, "admin"),
            new Claim(ClaimTypes.Role, "admin"),
            new Claim(KeyFingerprintClaim, _fingerprint),
            new Claim(SignedInAtClaim, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ], CookieAuthenticationDefaults.AuthenticationScheme);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>False when the session was opened with another master key or is older than the absolute lifetime.</summary>
    public bool IsCurrent(ClaimsPrincipal principal)
    {
        if (principal.FindFirstValue(KeyFingerprintClaim) != _fingerprint) return false;
        if (!long.TryParse(principal.FindFirstValue(SignedInAtClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var signedInAt)) return false;
        return time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(signedInAt) < options.AbsoluteLifetime;
    }
}
