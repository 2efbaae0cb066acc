using System.Security.Cryptography;

namespace Bridge.Gateway.Translation;

/// <summary>
/// Random ids: a prefix plus 24 base62 characters. Anthropic style (<c>msg_</c>, <c>toolu_</c>)
/// and, for OpenAI-format responses, <c>chatcmpl-</c>.
/// </summary>
public static class AnthropicIds
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomLength = 24;

    public static string NewMessageId() => Create("msg_");

    public static string NewToolUseId() => Create("toolu_");

    /// <summary>An OpenAI chat completion id (<c>chatcmpl-</c> plus 24 base62 characters).</summary>
    public static string NewChatCompletionId() => Create("chatcmpl-");

    private static string Create(string prefix) =>
        string.Create(prefix.Length + RandomLength, prefix, static (span, p) =>
        {
            p.AsSpan().CopyTo(span);
            RandomNumberGenerator.GetItems(Base62, span[p.Length..]);
        });
}
