using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Gateway.Sessions;

/// <summary>
/// A conversation as Bridge knows it: a SHA-256 digest of the caller's key id and the session id the client sent.
/// The raw id is never kept, logged or sent upstream; everything derived from it (the affinity key in Redis, the
/// <c>prompt_cache_key</c>) is a hash of this digest, so two keys that send the same session id never share one.
/// </summary>
public sealed class SessionKey
{
    private readonly byte[] _digest;
    private string? _promptCacheKey;

    private SessionKey(byte[] digest, SessionSource source)
    {
        _digest = digest;
        Source = source;
    }

    /// <summary>Which of the client's signals named the session (for a span tag; never the id).</summary>
    public SessionSource Source { get; }

    /// <summary>
    /// The value sent upstream as <c>prompt_cache_key</c>: 32 lower-case hex characters (128 bits of the digest),
    /// stable for the session and caller, meaningless to anyone else.
    /// </summary>
    public string PromptCacheKey => _promptCacheKey ??= Convert.ToHexStringLower(_digest.AsSpan(0, 16));

    /// <summary>
    /// The session as usage and the admin name it: the first 16 of <see cref="PromptCacheKey"/>'s 32 hex characters
    /// (64 bits, so two sessions of a day do not meet), which lets an operator find the session in a provider's logs.
    /// Scoped like the digest (another key's same session id has another label); never the id.
    /// </summary>
    public string Label => PromptCacheKey[..LabelLength];

    /// <summary>Hex characters in a <see cref="Label"/>.</summary>
    public const int LabelLength = 16;

    /// <summary>The affinity key of this session in <paramref name="group"/>: a hash of digest and group, 32 hex characters.</summary>
    public string AffinityHash(string group)
    {
        var length = _digest.Length + Encoding.UTF8.GetMaxByteCount(group.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            _digest.CopyTo(rented, 0);
            var written = _digest.Length + Encoding.UTF8.GetBytes(group, rented.AsSpan(_digest.Length));
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, written), hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The session <paramref name="sessionId"/> of the caller whose key id is <paramref name="scope"/>.</summary>
    public static SessionKey Create(string scope, ReadOnlySpan<char> sessionId, SessionSource source)
    {
        // scope NUL id: a key id cannot contain NUL, so ("a", "bc") and ("ab", "c") differ.
        var length = Encoding.UTF8.GetMaxByteCount(scope.Length) + 1 + Encoding.UTF8.GetMaxByteCount(sessionId.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(scope, rented);
            rented[written++] = 0;
            written += Encoding.UTF8.GetBytes(sessionId, rented.AsSpan(written));
            return new SessionKey(SHA256.HashData(rented.AsSpan(0, written)), source);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
