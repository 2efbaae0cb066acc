using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Upstream.Hosts;

/// <summary>
/// Copies a JSON object's top-level members as their raw bytes, leaving out the named ones, and lets the caller append
/// its own before the closing brace. Forward-only: the 150 KB prompts of a coding agent are copied, not re-encoded.
/// </summary>
internal static class AnthropicBodyRewriter
{
    public static void Rewrite(ReadOnlySpan<byte> body, Func<string, bool> leaveOut, Action<Utf8JsonWriter> append, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("the body is not a JSON object");
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var end = (int)reader.BytesConsumed;
            if (leaveOut(name)) continue;
            writer.WritePropertyName(name);
            writer.WriteRawValue(body[start..end], skipInputValidation: true);
        }
        append(writer);
        writer.WriteEndObject();
    }

    /// <summary>The string values of a top-level array member (e.g. <c>anthropic_beta</c>), or none.</summary>
    public static List<string> StringArray(ReadOnlySpan<byte> body, string member)
    {
        var values = new List<string>();
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return values;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(member);
            reader.Read();
            if (match && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String) values.Add(reader.GetString()!);
                    else reader.Skip();
                }
                return values;
            }
            reader.Skip();
        }
        return values;
    }
}
