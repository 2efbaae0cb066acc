namespace Bridge.Gateway.Translation.ResponsesToChat;

/// <summary>
/// Outcome of <see cref="ChatToResponsesResponse.Translate"/>, with the usage the gateway records. When
/// <see cref="Ok"/> is false nothing usable was written (the upstream body was not a chat completion, or
/// was an OpenAI error envelope whose message is in <see cref="ErrorMessage"/> and whose status, when it
/// names one, is in <see cref="ErrorStatus"/>).
/// </summary>
public readonly record struct ResponsesResponseTranslation(
    bool Ok,
    string? ErrorMessage,
    string? Status,
    ChatCompletionUsage Usage,
    int? ErrorStatus = null);
