using Bridge.Gateway.Configuration;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Exchanges;

namespace Bridge.Gateway.Relay;

/// <summary>
/// The protocol pairs, as data: (client protocol, upstream protocol) -> the pair's request translator, whose call
/// carries the response and stream translators. Native forwarding and pass-through are pairs like the others.
/// </summary>
public sealed class PairTable
{
    private readonly Dictionary<(WireProtocol Client, WireProtocol Upstream), IExchange> _pairs;

    public PairTable(MessagesToChatExchange messagesToChat, MessagesNativeExchange messagesNative, ChatPassthroughExchange chatPassthrough, ChatToMessagesExchange chatToMessages)
    {
        MessagesNative = messagesNative;
        _pairs = new()
        {
            [(WireProtocol.AnthropicMessages, WireProtocol.AnthropicMessages)] = messagesNative,
            [(WireProtocol.AnthropicMessages, WireProtocol.ChatCompletions)] = messagesToChat,
            [(WireProtocol.ChatCompletions, WireProtocol.AnthropicMessages)] = chatToMessages,
            [(WireProtocol.ChatCompletions, WireProtocol.ChatCompletions)] = chatPassthrough,
        };
    }

    public IExchange For(ApiSurface surface, ProviderKind provider) => _pairs[(ClientProtocol(surface), UpstreamProtocol(provider))];

    /// <summary>The native pair, for <c>count_tokens</c>.</summary>
    public MessagesNativeExchange MessagesNative { get; }

    public static WireProtocol ClientProtocol(ApiSurface surface) => surface switch
    {
        ApiSurface.Anthropic => WireProtocol.AnthropicMessages,
        ApiSurface.OpenAI => WireProtocol.ChatCompletions,
        _ => throw new ArgumentOutOfRangeException(nameof(surface)),
    };

    public static WireProtocol UpstreamProtocol(ProviderKind provider) =>
        provider == ProviderKind.Anthropic ? WireProtocol.AnthropicMessages : WireProtocol.ChatCompletions;
}
