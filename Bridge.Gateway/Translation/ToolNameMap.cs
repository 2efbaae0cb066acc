using System.Security.Cryptography;
using System.Text;

namespace Bridge.Gateway.Translation;

/// <summary>
/// Reversible mapping between client tool names and names OpenAI accepts
/// (<c>^[a-zA-Z0-9_-]{1,64}$</c>). Valid names map to themselves; others become
/// <c>{sanitized prefix, at most 55 chars}_{8 hex chars of SHA-256(name)}</c>, so the mapping is
/// deterministic and the same in every request of a conversation.
/// Filled while a request is translated, read-only afterwards.
/// </summary>
public sealed class ToolNameMap
{
    private const int MaxLength = 64;
    private const int PrefixLength = 55;

    private Dictionary<string, string>? _toUpstream;
    private Dictionary<string, string>? _toClient;

    /// <summary>A map with no renamed tools.</summary>
    public static ToolNameMap Empty { get; } = new();

    /// <summary>Number of renamed tools.</summary>
    public int Count => _toClient?.Count ?? 0;

    /// <summary>True when <paramref name="name"/> is usable as an OpenAI function name.</summary>
    public static bool IsValidOpenAIName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Name to send upstream; records the pair when the name had to change.</summary>
    public string ToUpstream(string clientName)
    {
        if (IsValidOpenAIName(clientName))
        {
            return clientName;
        }

        if (ReferenceEquals(this, Empty))
        {
            throw new InvalidOperationException("ToolNameMap.Empty is read-only.");
        }

        _toUpstream ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (_toUpstream.TryGetValue(clientName, out var known))
        {
            return known;
        }

        var mapped = Shorten(clientName);
        _toUpstream[clientName] = mapped;
        (_toClient ??= new Dictionary<string, string>(StringComparer.Ordinal))[mapped] = clientName;
        return mapped;
    }

    /// <summary>Original client name for a name the upstream used (unchanged when not renamed).</summary>
    public string ToClient(string upstreamName) =>
        _toClient is not null && _toClient.TryGetValue(upstreamName, out var original) ? original : upstreamName;

    private static string Shorten(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);

        var prefixLength = Math.Min(name.Length, PrefixLength);
        var builder = new StringBuilder(prefixLength + 9);
        for (var i = 0; i < prefixLength; i++)
        {
            builder.Append(IsNameChar(name[i]) ? name[i] : '_');
        }

        builder.Append('_').Append(Convert.ToHexStringLower(hash[..4]));
        return builder.ToString();
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
