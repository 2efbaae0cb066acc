using System.Security.Cryptography;

namespace Bridge.Admin.Stores;

/// <summary>New key values and ids: cryptographically random base62, never derived from anything else.</summary>
public static class SecretKeys
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Random characters after <c>sk-</c>: 43 base62 characters carry about 256 bits.</summary>
    public const int SecretLength = 43;

    public static string NewSecret() => "sk-" + RandomNumberGenerator.GetString(Base62, SecretLength);

    public static string NewId(string prefix) => prefix + RandomNumberGenerator.GetString(Base62, 16);

    private const int PrefixLength = 7;

    /// <summary>
    /// What lists show for recognition: the first 7 characters and an ellipsis (<c>sk-AbCd...</c>). A short key (a
    /// hand-written configured master key can be any length) would be given away, or nearly: unless at least as many
    /// characters stay hidden as are shown, nothing is shown.
    /// </summary>
    public static string PrefixOf(string secret) => secret.Length >= 2 * PrefixLength ? secret[..PrefixLength] + "..." : Hidden;

    /// <summary>Shown instead of a prefix that would reveal too much of a short key.</summary>
    public const string Hidden = "(hidden)";

    /// <summary>True when <paramref name="text"/> looks like a whole key rather than a search term.</summary>
    public static bool LooksLikeKey(string text) => text.StartsWith("sk-", StringComparison.Ordinal) && text.Length >= 20 && !text.EndsWith("...", StringComparison.Ordinal);
}
