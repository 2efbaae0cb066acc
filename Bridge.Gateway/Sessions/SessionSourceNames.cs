namespace Bridge.Gateway.Sessions;

/// <summary>The stable, snake_case names of <see cref="SessionSource"/> as usage records and the admin show them.</summary>
public static class SessionSourceNames
{
    public static string Name(this SessionSource source) => source switch
    {
        SessionSource.ClaudeCodeHeader => "claude_code_header",
        SessionSource.AnthropicMetadata => "metadata_user_id",
        SessionSource.SessionHeader => "session_header",
        SessionSource.PromptCacheKey => "prompt_cache_key",
        SessionSource.User => "user",
        _ => "unknown",
    };
}
