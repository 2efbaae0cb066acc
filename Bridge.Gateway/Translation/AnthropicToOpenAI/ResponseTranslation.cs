namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>
/// Outcome of <see cref="OpenAIToAnthropicResponse.Translate"/>, with the usage the gateway records.
/// When <see cref="Ok"/> is false nothing usable was written (the upstream body was not a chat
/// completion, or was an OpenAI error envelope whose message is in <see cref="ErrorMessage"/> and whose status,
/// when it names one, is in <see cref="ErrorStatus"/>).
/// </summary>
public readonly record struct ResponseTranslation(
    bool Ok,
    string? ErrorMessage,
    string? StopReason,
    int InputTokens,
    int OutputTokens,
    int CachedTokens,
    int? ErrorStatus = null);
