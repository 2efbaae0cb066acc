namespace Bridge.Gateway.Translation.ChatToResponses;

/// <summary>
/// Outcome of <see cref="ResponsesResponseToChat.Translate"/>, with the usage the gateway records
/// (<see cref="PromptTokens"/> includes cached tokens, <see cref="CompletionTokens"/> reasoning tokens).
/// When <see cref="Ok"/> is false nothing usable was written: the upstream body was an error envelope or a
/// failed response (<see cref="ErrorMessage"/>, and <see cref="ErrorStatus"/> when it names one), or not a response.
/// </summary>
public readonly record struct ChatFromResponsesTranslation(
    bool Ok,
    string? ErrorMessage,
    int? ErrorStatus,
    string? FinishReason,
    int PromptTokens,
    int CompletionTokens,
    int CachedTokens,
    int ReasoningTokens);
