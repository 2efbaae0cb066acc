using Bridge.Gateway.Translation;

namespace Bridge.Gateway.Diagnostics;

/// <summary>Request ids: <c>req_bridge_</c> plus 20 random base62 characters.</summary>
public static class RequestIds
{
    public static string New() => AnthropicIds.WithPrefix("req_bridge_", 20);
}
