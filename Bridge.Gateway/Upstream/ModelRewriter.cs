using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Upstream;

/// <summary>
/// Replaces the top-level <c>"model"</c> value of a JSON body and leaves every other byte as it was,
/// so native forwarding keeps signatures, <c>cache_control</c> and field order intact.
/// </summary>
public static class ModelRewriter
{
    public static void ReplaceModel(ReadOnlySpan<byte> body, string newModel, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(body);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    var start = (int)reader.TokenStartIndex;
                    // TokenStartIndex points at the opening quote; ValueSpan is the raw (still escaped) content.
                    var end = start + reader.ValueSpan.Length + 2;
                    output.Write(body[..start]);
                    var encoded = JsonEncodedText.Encode(newModel);
                    output.Write("\""u8);
                    output.Write(encoded.EncodedUtf8Bytes);
                    output.Write("\""u8);
                    output.Write(body[end..]);
                    return;
                }
                reader.Skip();
            }
        }
        output.Write(body);
    }
}
