using System.Security.Cryptography;

namespace Bridge.Gateway.Translation;

/// <summary>Random Anthropic-style ids: <c>msg_</c> and <c>toolu_</c> plus 24 base62 characters.</summary>
public static class AnthropicIds
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomLength = 24;

    public static string NewMessageId() => Create("msg_");

    public static string NewToolUseId() => Create("toolu_");

    private static string Create(string prefix) =>
        string.Create(prefix.Length + RandomLength, prefix, static (span, p) =>
        {
            p.AsSpan().CopyTo(span);
            RandomNumberGenerator.GetItems(Base62, span[p.Length..]);
        });
}
