namespace Bridge.Tests.Relay;

/// <summary>The four protocol pairs: client protocol -> upstream protocol.</summary>
public enum RelayPair
{
    MessagesToChat,
    MessagesNative,
    ChatPassthrough,
    ChatToMessages,
}
