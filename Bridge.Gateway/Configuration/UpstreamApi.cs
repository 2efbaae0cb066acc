namespace Bridge.Gateway.Configuration;

/// <summary>The API a deployment is called with.</summary>
public enum UpstreamApi : byte
{
    /// <summary>OpenAI Chat Completions (<c>/chat/completions</c>): OpenAI, Azure, Ollama and OpenAI-compatible servers.</summary>
    ChatCompletions,
    /// <summary>OpenAI Responses (<c>/responses</c>): current GPT-5.x with tools and reasoning, and the codex models.</summary>
    Responses,
    /// <summary>Anthropic Messages (<c>/v1/messages</c>).</summary>
    AnthropicMessages,
}
