using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bridge.Gateway.State;

/// <summary>
/// Reads a stored money amount that may be too large for a decimal (written by something other than the Admin)
/// as the largest decimal instead of failing, so one odd key record can never turn requests into 500s.
/// </summary>
public sealed class SaturatingDecimalConverter : JsonConverter<decimal?>
{
    public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.Number) throw new JsonException("expected a number");
        if (reader.TryGetDecimal(out var value)) return value;
        return reader.GetDouble() < 0 ? decimal.MinValue : decimal.MaxValue;
    }

    public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
    {
        if (value is { } v) writer.WriteNumberValue(v);
        else writer.WriteNullValue();
    }
}
