using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A Responses object written for the client, as the relay reads it: usage and status, or the upstream's error.</summary>
internal static class ResponsesClientBodies
{
    public static BodyTranslation Result(ResponsesResponseTranslation translated)
    {
        if (!translated.Ok) return BodyTranslation.UpstreamError(translated.ErrorStatus, translated.ErrorMessage ?? "upstream answered with an error");
        var usage = translated.Usage;
        return new BodyTranslation(BodyVerdict.Ok,
            Usage: new TokenUsage(usage.PromptTokens - usage.CachedTokens, usage.CompletionTokens, usage.CachedTokens),
            FinishReason: translated.Status);
    }
}
