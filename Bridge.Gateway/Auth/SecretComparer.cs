using System.Security.Cryptography;
using System.Text;

namespace Bridge.Gateway.Auth;

/// <summary>Constant-time secret comparison and hashing helpers.</summary>
public static class SecretComparer
{
    /// <summary>SHA-256 of the UTF-8 bytes, lower-case hex: the only form in which keys are stored.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// Compares two secrets in time independent of where they differ. Both are hashed first so the
    /// comparison also does not leak the expected length.
    /// </summary>
    public static bool FixedTimeEquals(string? presented, string expected)
    {
        if (presented is null) return false;
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
