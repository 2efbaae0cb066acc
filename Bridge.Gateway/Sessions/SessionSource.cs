namespace Bridge.Gateway.Sessions;

/// <summary>Where a request's session came from, strongest signal first.</summary>
public enum SessionSource
{
    /// <summary>Claude Code's <c>x-claude-code-session-id</c> header.</summary>
    ClaudeCodeHeader,
    /// <summary><c>session_id</c> inside Claude Code's <c>metadata.user_id</c> (a JSON object written as a string).</summary>
    AnthropicMetadata,
    /// <summary>Codex's <c>session-id</c> (or <c>session_id</c>) header.</summary>
    SessionHeader,
    /// <summary>The client's own <c>prompt_cache_key</c>.</summary>
    PromptCacheKey,
    /// <summary>Last resort: an end-user id (<c>user</c>, <c>safety_identifier</c>, a plain <c>metadata.user_id</c>).</summary>
    User,
}
