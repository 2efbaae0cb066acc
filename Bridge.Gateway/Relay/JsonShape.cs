using System.Text.Json;

namespace Bridge.Gateway.Relay;

/// <summary>A cheap check (no document built) that bytes are one well-formed JSON object.</summary>
public static class JsonShape
{
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
