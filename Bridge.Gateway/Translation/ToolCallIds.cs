using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Gateway.Translation;

/// <summary>
/// Tool call id scheme between Anthropic clients and OpenAI upstreams.
/// <list type="bullet">
/// <item>Upstream id already <c>toolu_</c>: used as is, both ways.</item>
/// <item>Upstream id of <c>[A-Za-z0-9_-]</c> (OpenAI's <c>call_...</c>): client sees
/// <c>toolu_bridge_{id}</c>; the prefix is stripped when the id comes back in a request, so the
/// upstream sees its own id again.</item>
/// <item>Any other upstream id: <c>toolu_bridgex_{base64url(utf8 id)}</c>, decoded on the way back.</item>
/// <item>Missing upstream id: a random <c>toolu_</c> id (kept as is on the way back).</item>
/// <item>Empty client ids and ids over 40 chars (OpenAI's limit) are replaced by a deterministic
/// <c>call_{hash}</c>, the same for the tool_use and its tool_result. The characters are not
/// checked.</item>
/// </list>
/// The reverse direction (OpenAI clients, Anthropic upstream) uses <see cref="ToAnthropic"/>.
/// </summary>
public static class ToolCallIds
{
    public const string BridgePrefix = "toolu_bridge_";
    public const string EncodedPrefix = "toolu_bridgex_";
    private const int OpenAIMaxIdLength = 40;

    /// <summary>Client-facing (Anthropic) id for an upstream tool call id.</summary>
    public static string ToClient(string? upstreamId)
    {
        if (string.IsNullOrEmpty(upstreamId))
        {
            return AnthropicIds.NewToolUseId();
        }

        if (upstreamId.StartsWith("toolu_", StringComparison.Ordinal) && IsIdChars(upstreamId))
        {
            return upstreamId;
        }

        if (IsIdChars(upstreamId))
        {
            return BridgePrefix + upstreamId;
        }

        var utf8 = Encoding.UTF8.GetBytes(upstreamId);
        return EncodedPrefix + Base64Url.EncodeToString(utf8);
    }

    /// <summary>Upstream (OpenAI) id for an id found in a client request.</summary>
    public static string ToUpstream(string clientId)
    {
        var id = clientId;
        if (clientId.StartsWith(EncodedPrefix, StringComparison.Ordinal))
        {
            try
            {
                id = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(clientId.AsSpan(EncodedPrefix.Length)));
            }
            catch (FormatException)
            {
                id = clientId;
            }
        }
        else if (clientId.StartsWith(BridgePrefix, StringComparison.Ordinal) && clientId.Length > BridgePrefix.Length)
        {
            id = clientId[BridgePrefix.Length..];
        }

        if (id.Length is > 0 and <= OpenAIMaxIdLength)
        {
            return id;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(clientId), hash);
        return "call_" + Convert.ToHexStringLower(hash)[..(OpenAIMaxIdLength - 5)];
    }

    /// <summary>
    /// Anthropic id (<c>^[a-zA-Z0-9_-]+$</c>) for a tool call id found in an OpenAI client request.
    /// Ids that already match (OpenAI's <c>call_...</c>, Anthropic's own <c>toolu_...</c> handed out
    /// by Bridge) are kept as is; any other id becomes <c>toolu_bridgex_{base64url(utf8 id)}</c>,
    /// which is deterministic (a tool_use and its tool_result get the same id) and reversible with
    /// <see cref="ToUpstream"/>.
    /// </summary>
    public static string ToAnthropic(string openAIId)
    {
        ArgumentException.ThrowIfNullOrEmpty(openAIId);
        return IsIdChars(openAIId)
            ? openAIId
            : EncodedPrefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(openAIId));
    }

    private static bool IsIdChars(string id)
    {
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }
}
