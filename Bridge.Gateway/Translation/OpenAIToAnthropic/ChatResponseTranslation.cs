namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// Outcome of <see cref="MessagesResponseToChat.Translate"/>, with the usage the gateway records
/// (<see cref="PromptTokens"/> includes cache reads and cache writes). When <see cref="Ok"/> is false nothing usable
/// was written: the upstream body was not a message, or was an Anthropic error envelope
/// (<see cref="ErrorType"/>, <see cref="ErrorMessage"/>).
/// </summary>
public readonly record struct ChatResponseTranslation(
    bool Ok,
    string? ErrorMessage,
    string? ErrorType,
    string? FinishReason,
    int PromptTokens,
    int CompletionTokens,
    int CachedTokens,
    int CacheCreationTokens = 0);
