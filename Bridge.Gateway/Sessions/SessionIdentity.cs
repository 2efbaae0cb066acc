using Bridge.Gateway.Json;
using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Sessions;

/// <summary>
/// Finds the conversation a request belongs to in what clients already send (docs/routing.md, "Session affinity"),
/// strongest signal first:
/// <list type="number">
/// <item>Claude Code's <c>x-claude-code-session-id</c> header (its sub-agents send their parent's, plus
/// <c>x-claude-code-agent-id</c>, which is ignored here so they share the parent's session);</item>
/// <item>the <c>session_id</c> inside Claude Code's <c>metadata.user_id</c>, a JSON object written as a string (older
/// builds wrote <c>user_..._account_..._session_{uuid}</c>);</item>
/// <item>Codex's <c>session-id</c> header (<c>session_id</c> also read);</item>
/// <item>the client's <c>prompt_cache_key</c> (Codex sends its session id there too);</item>
/// <item>last resort, an end user rather than a conversation: OpenAI's <c>user</c>, then <c>safety_identifier</c>,
/// or a plain Anthropic <c>metadata.user_id</c>.</item>
/// </list>
/// Reads the body already parsed for the request (no second parse); a request with none of these costs a few
/// header and property lookups and allocates nothing.
/// </summary>
public static class SessionIdentity
{
    private const string ClaudeCodeHeader = "x-claude-code-session-id";
    private static readonly string[] SessionHeaders = ["session-id", "session_id"];
    private const string LegacySessionMarker = "_session_";

    /// <summary>The request's session scoped to <paramref name="scope"/> (the caller's key id), or null when it names none.</summary>
    public static SessionKey? Derive(IHeaderDictionary headers, TapeElement root, string scope)
    {
        if (Header(headers, ClaudeCodeHeader) is { } claudeCode) return SessionKey.Create(scope, claudeCode, SessionSource.ClaudeCodeHeader);

        string? plainUserId = null;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("metadata"u8, out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("user_id"u8, out var userId) && userId.ValueKind == JsonValueKind.String)
        {
            var text = userId.GetString()!;
            if (FromUserId(text) is { } fromMetadata) return SessionKey.Create(scope, fromMetadata, SessionSource.AnthropicMetadata);
            plainUserId = text;
        }

        foreach (var name in SessionHeaders)
        {
            if (Header(headers, name) is { } session) return SessionKey.Create(scope, session, SessionSource.SessionHeader);
        }
        if (root.ValueKind != JsonValueKind.Object) return null;
        if (NonEmptyString(root, "prompt_cache_key"u8) is { } cacheKey) return SessionKey.Create(scope, cacheKey, SessionSource.PromptCacheKey);
        if ((NonEmptyString(root, "user"u8) ?? NonEmptyString(root, "safety_identifier"u8)) is { } user)
        {
            return SessionKey.Create(scope, user, SessionSource.User);
        }
        return string.IsNullOrEmpty(plainUserId) ? null : SessionKey.Create(scope, plainUserId, SessionSource.User);
    }

    private static string? Header(IHeaderDictionary headers, string name)
    {
        var values = headers[name];
        if (values.Count == 0) return null;
        var value = values[0];
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static string? NonEmptyString(TapeElement root, ReadOnlySpan<byte> name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>The session named inside Claude Code's <c>metadata.user_id</c>, or null for a plain user id.</summary>
    internal static string? FromUserId(string userId)
    {
        if (userId.StartsWith('{')) return SessionIdOfJson(userId);
        var marker = userId.LastIndexOf(LegacySessionMarker, StringComparison.Ordinal);
        return marker >= 0 && marker + LegacySessionMarker.Length < userId.Length ? userId[(marker + LegacySessionMarker.Length)..] : null;
    }

    private static string? SessionIdOfJson(string json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, rented);
            var reader = new Utf8JsonReader(rented.AsSpan(0, length));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSession = reader.ValueTextEquals("session_id"u8);
                if (!reader.Read()) return null;
                if (isSession) return reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } id ? id : null;
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null; // not JSON after all: the caller treats it as a plain user id
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
