namespace Bridge.Gateway.Relay;

/// <summary>The protocols Bridge speaks, on either side of a pair.</summary>
public enum WireProtocol : byte
{
    AnthropicMessages,
    ChatCompletions,
    Responses,
}
