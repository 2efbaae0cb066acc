using System.Text.Json;

namespace Bridge.Gateway.Relay;

/// <summary>Cheap looks at a JSON event without building a document.</summary>
public static class JsonShape
{
    /// <summary>
    /// The top-level <c>type</c> string of an object (every Anthropic and Responses event names itself there), or null
    /// when there is none. Throws <see cref="JsonException"/> when the bytes before it are not JSON.
    /// </summary>
    public static string? TypeOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            if (!reader.Read()) return null;
            if (isType) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
        }
        return null;
    }

    /// <summary>Whether bytes are one well-formed JSON object.</summary>
    public static bool IsObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
