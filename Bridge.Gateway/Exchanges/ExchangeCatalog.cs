using Bridge.Gateway.Configuration;
using Bridge.Gateway.Endpoints;

namespace Bridge.Gateway.Exchanges;

/// <summary>Picks the exchange for a client protocol and an upstream provider.</summary>
public sealed class ExchangeCatalog(
    MessagesToChatExchange messagesToChat,
    MessagesNativeExchange messagesNative,
    ChatPassthroughExchange chatPassthrough,
    ChatToMessagesExchange chatToMessages)
{
    public IExchange For(ApiSurface surface, ProviderKind provider) => (surface, provider) switch
    {
        (ApiSurface.Anthropic, ProviderKind.Anthropic) => messagesNative,
        (ApiSurface.Anthropic, _) => messagesToChat,
        (ApiSurface.OpenAI, ProviderKind.Anthropic) => chatToMessages,
        (ApiSurface.OpenAI, _) => chatPassthrough,
        _ => throw new ArgumentOutOfRangeException(nameof(surface)),
    };

    public MessagesNativeExchange MessagesNative => messagesNative;
}
