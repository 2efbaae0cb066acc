using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Gateway.Exchanges;

/// <summary>A Responses object written for the client, as the relay reads it: usage and status, or the upstream's error.</summary>
internal static class ResponsesClientBodies
{
    public static BodyTranslation Result(ResponsesResponseTranslation translated)
    {
        if (!translated.Ok) return BodyTranslation.UpstreamError(translated.ErrorStatus, translated.ErrorMessage ?? "upstream answered with an error");
        var usage = translated.Usage;
        return new BodyTranslation(BodyVerdict.Ok,
            Usage: usage.ToTokenUsage(),
            FinishReason: translated.Status);
    }
}
