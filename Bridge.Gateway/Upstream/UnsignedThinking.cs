using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation;

namespace Bridge.Gateway.Upstream;

/// <summary>
/// Thinking blocks that came from a non-Anthropic deployment carry an empty <c>signature</c> (Bridge has none to
/// give them when it translates an OpenAI answer). Claude Code sends them back in later turns, and Anthropic
/// rejects a request whose thinking block has an invalid signature. So when a conversation moves to a native
/// Anthropic deployment (a fallback, a changed alias), those blocks are left out. Blocks with a real signature,
/// and every other byte of the request, stay as they are.
/// </summary>
public static class UnsignedThinking
{
    /// <summary>A cheap check on the raw body: only bodies that may hold an empty signature are rewritten.</summary>
    public static bool MayBePresent(ReadOnlySpan<byte> body) =>
        body.IndexOf("\"signature\":\"\""u8) >= 0 || body.IndexOf("\"signature\": \"\""u8) >= 0;

    /// <summary>
    /// Writes the request with <paramref name="model"/> as its model and without unsigned thinking blocks. A message
    /// that would be left with no content keeps its blocks (Anthropic refuses empty content either way).
    /// </summary>
    public static void Strip(TapeElement root, string model, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        writer.WriteStartObject();
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("model"u8))
            {
                writer.WriteString("model"u8, model);
            }
            else if (property.NameEquals("messages"u8) && property.Value.ValueKind == JsonValueKind.Array)
            {
                writer.WritePropertyName("messages"u8);
                WriteMessages(writer, property.Value);
            }
            else
            {
                writer.WritePropertyName(property.Name);
                WriteRaw(writer, property.Value);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteMessages(Utf8JsonWriter writer, TapeElement messages)
    {
        writer.WriteStartArray();
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("content"u8, out var content) || content.ValueKind != JsonValueKind.Array
                || !content.EnumerateArray().Any(IsUnsignedThinking)
                || content.EnumerateArray().All(IsUnsignedThinking))
            {
                WriteRaw(writer, message);
                continue;
            }
            writer.WriteStartObject();
            foreach (var property in message.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                if (!property.NameEquals("content"u8))
                {
                    WriteRaw(writer, property.Value);
                    continue;
                }
                writer.WriteStartArray();
                foreach (var block in content.EnumerateArray())
                {
                    if (!IsUnsignedThinking(block)) WriteRaw(writer, block);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static bool IsUnsignedThinking(TapeElement block) =>
        block.ValueKind == JsonValueKind.Object
        && block.TryGetProperty("type"u8, out var type) && type.ValueEquals("thinking"u8)
        && (!block.TryGetProperty("signature"u8, out var signature)
            || (signature.ValueKind == JsonValueKind.String && signature.ValueEquals(""u8)));

    private static void WriteRaw(Utf8JsonWriter writer, TapeElement value) => TranslationJson.WriteRaw(writer, value);
}
