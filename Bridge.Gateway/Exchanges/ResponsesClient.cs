using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Gateway.Exchanges;

/// <summary>What the pairs whose client speaks the Responses API (Codex CLI, the SDKs' Responses clients) share.</summary>
internal static class ResponsesClient
{
    /// <summary>
    /// <c>previous_response_id</c> needs the conversation kept server-side, which Bridge does not keep yet: a clear 400
    /// instead of a reply that silently forgets the conversation. Codex sends the whole conversation with <c>store: false</c>.
    /// </summary>
    public static ResponsesRequestTranslation RefuseStoredState(ResponsesRequestTranslation translation) =>
        translation.Ok && translation.PreviousResponseId is not null
            ? new ResponsesRequestTranslation
            {
                Ok = false,
                ErrorParam = "previous_response_id",
                ErrorMessage = "previous_response_id: this gateway keeps no stored responses yet; send the whole conversation in 'input' (with store: false).",
                RequestedModel = translation.RequestedModel,
            }
            : translation;

    /// <summary>A Responses error event's code for a failure of the relay's kind.</summary>
    public static string ErrorCode(Relay.StreamErrorKind kind) => kind == Relay.StreamErrorKind.RateLimit ? "rate_limit_exceeded" : "server_error";
}
