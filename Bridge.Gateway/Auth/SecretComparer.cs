using System.Security.Cryptography;
using System.Text;

namespace Bridge.Gateway.Auth;

/// <summary>Constant-time secret comparison and hashing helpers.</summary>
public static class SecretComparer
{
    /// <summary>SHA-256 of the UTF-8 bytes, lower-case hex: the only form in which keys are stored.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>SHA-256 of the UTF-8 bytes, raw: compute it once for a secret that is compared often.</summary>
    public static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>
    /// Compares two secrets in time independent of where they differ. Both are hashed first so the
    /// comparison also does not leak the expected length.
    /// </summary>
    public static bool FixedTimeEquals(string? presented, string expected) =>
        presented is not null && FixedTimeEquals(presented, Digest(expected));

    /// <summary>Compares a presented secret with the digest of the expected one (see <see cref="Digest"/>).</summary>
    public static bool FixedTimeEquals(string presented, ReadOnlySpan<byte> expectedDigest)
    {
        Span<byte> digest = stackalloc byte[32];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var rented = maxBytes <= 512 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            Span<byte> utf8 = rented ?? stackalloc byte[512];
            var written = Encoding.UTF8.GetBytes(presented, utf8);
            SHA256.HashData(utf8[..written], digest);
            return CryptographicOperations.FixedTimeEquals(digest, expectedDigest);
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
