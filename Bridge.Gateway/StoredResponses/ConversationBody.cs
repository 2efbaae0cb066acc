using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.StoredResponses;

/// <summary>
/// Rewrites a Responses request that continues a stored conversation into one that carries it whole: the stored turns'
/// items, then the request's own <c>input</c>, with <c>previous_response_id</c> gone. Every pair downstream then sees
/// what Codex sends with <c>store: false</c>, and any deployment can answer it. As at OpenAI, the earlier turns'
/// <c>instructions</c> are not carried over. Stored items are copied as the bytes they were stored as.
/// </summary>
public static class ConversationBody
{
    /// <summary>This request's own input as an item array: a string input becomes one user message.</summary>
    public static byte[] OwnInput(TapeElement root)
    {
        if (!root.TryGetProperty("input"u8, out var input) || input.ValueKind == JsonValueKind.Null) return "[]"u8.ToArray();
        if (input.ValueKind == JsonValueKind.Array) return input.RawUtf8.ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("type"u8, "message"u8);
            writer.WriteString("role"u8, "user"u8);
            writer.WritePropertyName("content"u8);
            writer.WriteRawValue(input.RawUtf8, skipInputValidation: true);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="root"/> with <c>input</c> = the stored segments followed by <paramref name="ownInput"/>.</summary>
    public static void Write(TapeElement root, IReadOnlyList<ReadOnlyMemory<byte>> segments, ReadOnlySpan<byte> ownInput, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("input"u8) || property.NameEquals("previous_response_id"u8)) continue;
            writer.WritePropertyName(property.Name);
            writer.WriteRawValue(property.Value.RawUtf8, skipInputValidation: true);
        }
        // The items are spliced in as they are: each segment is a JSON array, its brackets dropped.
        var items = new ArrayBufferWriter<byte>(ownInput.Length + 2 + segments.Sum(s => s.Length + 1));
        items.Write("["u8);
        var first = true;
        foreach (var segment in segments) Splice(segment.Span, items, ref first);
        Splice(ownInput, items, ref first);
        items.Write("]"u8);
        writer.WritePropertyName("input"u8);
        writer.WriteRawValue(items.WrittenSpan, skipInputValidation: true);
        writer.WriteEndObject();
    }

    private static void Splice(ReadOnlySpan<byte> array, IBufferWriter<byte> output, ref bool first)
    {
        var inner = array.Trim(" \t\r\n"u8);
        if (inner.Length < 2 || inner[0] != (byte)'[' || inner[^1] != (byte)']') return;
        inner = inner[1..^1].Trim(" \t\r\n"u8);
        if (inner.IsEmpty) return;
        if (!first) output.Write(","u8);
        output.Write(inner);
        first = false;
    }
}
