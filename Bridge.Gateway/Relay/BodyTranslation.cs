using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Relay;

/// <summary>What a response translator made of a whole upstream body.</summary>
public readonly record struct BodyTranslation(
    BodyVerdict Verdict,
    bool Identity = false,
    TokenUsage? Usage = null,
    string? FinishReason = null,
    int? ErrorStatus = null,
    string? ErrorMessage = null)
{
    public static BodyTranslation Malformed => new(BodyVerdict.Malformed);

    public static BodyTranslation UpstreamError(int? status, string message) => new(BodyVerdict.UpstreamError, ErrorStatus: status, ErrorMessage: message);
}
