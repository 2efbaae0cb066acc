using System.Text.Json;

namespace Bridge.Gateway.Translation.ResponsesToMessages;

/// <summary>
/// How an Anthropic thinking block travels through a Responses client and back. The client sees a
/// <c>reasoning</c> item whose summary is the thinking text and whose <c>encrypted_content</c> is
/// <see cref="ThinkingPrefix"/> + the block's <c>signature</c> (or <see cref="RedactedPrefix"/> + a
/// <c>redacted_thinking</c> block's <c>data</c>, with an empty summary). Codex asks for
/// <c>include: ["reasoning.encrypted_content"]</c> and sends such items back as they were; the request
/// translator turns an item with either prefix into the block again, and drops reasoning items without
/// them (OpenAI's own encrypted reasoning means nothing to Anthropic). No MAC: Anthropic verifies its own
/// signatures, and the prefix only tells Bridge's items from other providers'.
/// </summary>
public static class AnthropicThinkingItem
{
    public const string ThinkingPrefix = "bridge.anthropic.thinking.";
    public const string RedactedPrefix = "bridge.anthropic.redacted.";

    /// <summary>A <c>reasoning</c> item; <paramref name="text"/> null writes an empty summary, <paramref name="encryptedContent"/> null none.</summary>
    internal static void Write(Utf8JsonWriter w, string id, string? text, string? encryptedContent)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("type"u8, "reasoning"u8);
        w.WriteStartArray("summary"u8);
        if (!string.IsNullOrEmpty(text))
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "summary_text"u8);
            w.WriteString("text"u8, text);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (encryptedContent is not null)
        {
            w.WriteString("encrypted_content"u8, encryptedContent);
        }

        w.WriteEndObject();
    }

    /// <summary>The <c>encrypted_content</c> for a thinking block's signature (null when the block had none).</summary>
    internal static string? ForSignature(string? signature) =>
        string.IsNullOrEmpty(signature) ? null : ThinkingPrefix + signature;

    internal static string ForRedacted(string data) => RedactedPrefix + data;
}
