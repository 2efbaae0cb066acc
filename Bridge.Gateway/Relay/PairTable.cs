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

    public PairTable(MessagesToChatExchange messagesToChat, MessagesNativeExchange messagesNative, ChatPassthroughExchange chatPassthrough,
        ChatToMessagesExchange chatToMessages, MessagesToResponsesExchange messagesToResponses, ChatToResponsesExchange chatToResponses,
        ResponsesToChatExchange responsesToChat, ResponsesToMessagesExchange responsesToMessages, ResponsesPassthroughExchange responsesPassthrough)
    {
        MessagesNative = messagesNative;
        _pairs = new()
        {
            [(WireProtocol.AnthropicMessages, WireProtocol.AnthropicMessages)] = messagesNative,
            [(WireProtocol.AnthropicMessages, WireProtocol.ChatCompletions)] = messagesToChat,
            [(WireProtocol.ChatCompletions, WireProtocol.AnthropicMessages)] = chatToMessages,
            [(WireProtocol.ChatCompletions, WireProtocol.ChatCompletions)] = chatPassthrough,
            [(WireProtocol.AnthropicMessages, WireProtocol.Responses)] = messagesToResponses,
            [(WireProtocol.ChatCompletions, WireProtocol.Responses)] = chatToResponses,
            [(WireProtocol.Responses, WireProtocol.ChatCompletions)] = responsesToChat,
            [(WireProtocol.Responses, WireProtocol.AnthropicMessages)] = responsesToMessages,
            [(WireProtocol.Responses, WireProtocol.Responses)] = responsesPassthrough,
        };
    }

    /// <summary>The pair for a client protocol and a deployment (by its provider and <see cref="ModelDeployment.Api"/>).</summary>
    public IExchange For(ApiSurface surface, ModelDeployment deployment) => _pairs[(ClientProtocol(surface), UpstreamProtocol(deployment))];

    /// <summary>The native pair, for <c>count_tokens</c>.</summary>
    public MessagesNativeExchange MessagesNative { get; }

    public static WireProtocol ClientProtocol(ApiSurface surface) => surface switch
    {
        ApiSurface.Anthropic => WireProtocol.AnthropicMessages,
        ApiSurface.OpenAI => WireProtocol.ChatCompletions,
        ApiSurface.Responses => WireProtocol.Responses,
        _ => throw new ArgumentOutOfRangeException(nameof(surface)),
    };

    public static WireProtocol UpstreamProtocol(ModelDeployment deployment) =>
        deployment.Provider.SpeaksAnthropic() ? WireProtocol.AnthropicMessages
        : deployment.Api == UpstreamApi.Responses ? WireProtocol.Responses
        : WireProtocol.ChatCompletions;
}
