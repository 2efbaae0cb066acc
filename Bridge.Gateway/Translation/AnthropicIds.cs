namespace Bridge.Gateway.Translation;

/// <summary>
/// Random ids: a prefix plus 24 base62 characters. Anthropic style (<c>msg_</c>, <c>toolu_</c>)
/// and, for OpenAI-format responses, <c>chatcmpl-</c>. They must be unique, not secret, so the fast
/// shared generator is used rather than the cryptographic one (which showed up in request profiles).
/// </summary>
public static class AnthropicIds
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomLength = 24;

    public static string NewMessageId() => Create("msg_");

    public static string NewToolUseId() => Create("toolu_");

    /// <summary>An OpenAI chat completion id (<c>chatcmpl-</c> plus 24 base62 characters).</summary>
    public static string NewChatCompletionId() => Create("chatcmpl-");

    private static string Create(string prefix) => WithPrefix(prefix, RandomLength);

    /// <summary><paramref name="prefix"/> followed by <paramref name="randomChars"/> random base62 characters.</summary>
    public static string WithPrefix(string prefix, int randomChars) =>
        string.Create(prefix.Length + randomChars, prefix, static (span, p) =>
        {
            p.AsSpan().CopyTo(span);
            Random.Shared.GetItems(Base62, span[p.Length..]);
        });
}
