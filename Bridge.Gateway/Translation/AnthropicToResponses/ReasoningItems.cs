using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToResponses;

/// <summary>A Responses <c>reasoning</c> item read as an Anthropic thinking block.</summary>
internal static class ReasoningItems
{
    /// <summary>Summary parts are separate paragraphs of one thinking text.</summary>
    public const string PartSeparator = "\n\n";

    /// <summary>The <c>summary_text</c> parts joined with a blank line ("" when there are none).</summary>
    public static string SummaryText(JsonElement item)
    {
        if (!item.TryGetProperty("summary"u8, out var summary) || summary.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        StringBuilder? builder = null;
        string? single = null;
        foreach (var part in summary.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var value = text.GetString()!;
            if (single is null && builder is null)
            {
                single = value;
                continue;
            }

            builder ??= new StringBuilder(single);
            builder.Append(PartSeparator).Append(value);
        }

        return builder?.ToString() ?? single ?? "";
    }

    /// <summary>
    /// The thinking block's signature: Bridge's (<see cref="ReasoningSignature"/>) when the item carries
    /// its id and <c>encrypted_content</c>, else "" (nothing to send back: the client's copy is then dropped).
    /// </summary>
    public static string Signature(JsonElement item, byte[] key)
    {
        if (item.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } itemId
            && item.TryGetProperty("encrypted_content"u8, out var enc) && enc.ValueKind == JsonValueKind.String
            && enc.GetString() is { Length: > 0 } encrypted)
        {
            return ReasoningSignature.Encode(itemId, encrypted, key);
        }

        return "";
    }
}
