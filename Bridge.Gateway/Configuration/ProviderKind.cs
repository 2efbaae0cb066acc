namespace Bridge.Gateway.Configuration;

/// <summary>
/// The wire protocol and auth style of a deployment. Providers sharing one (the OpenAI-compatible family) are
/// rows of the <see cref="Providers"/> table; a provider with its own signing or token flow adds a kind here.
/// </summary>
public enum ProviderKind
{
    /// <summary><c>azure/</c>: Azure OpenAI, classic deployment URLs or the <c>/openai/v1/</c> form; <c>api-key</c> or Entra ID bearer.</summary>
    Azure,
    /// <summary>OpenAI and every OpenAI-compatible server: Chat Completions (or Responses) with a bearer key.</summary>
    OpenAI,
    /// <summary><c>ollama/</c> and <c>ollama_chat/</c>: Ollama through its OpenAI-compatible endpoint.</summary>
    Ollama,
    /// <summary><c>anthropic/</c>: the Anthropic Messages API, forwarded natively.</summary>
    Anthropic,
    /// <summary><c>bedrock/</c> (and <c>bedrock/invoke/</c>): Claude on Amazon Bedrock, Anthropic Messages through InvokeModel.</summary>
    Bedrock,
    /// <summary><c>vertex_ai/</c> with a Claude model: Claude on Google Vertex AI through rawPredict.</summary>
    VertexAi,
    /// <summary><c>bridge/echo</c>: a built-in demo provider that echoes the last user message.</summary>
    Echo,
}

public static class ProviderKindExtensions
{
    /// <summary>True when the upstream speaks OpenAI Chat Completions.</summary>
    public static bool SpeaksOpenAI(this ProviderKind kind) => kind is ProviderKind.Azure or ProviderKind.OpenAI or ProviderKind.Ollama;

    /// <summary>True when the upstream speaks Anthropic Messages (directly or through a cloud's door).</summary>
    public static bool SpeaksAnthropic(this ProviderKind kind) => kind is ProviderKind.Anthropic or ProviderKind.Bedrock or ProviderKind.VertexAi;
}
