namespace Bridge.Gateway.Protocols.Anthropic;

/// <summary>Which text-like content block of an Anthropic Messages stream is open.</summary>
public enum AnthropicBlockKind : byte
{
    None,
    Text,
    Thinking,
}
