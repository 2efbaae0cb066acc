using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Relay;

/// <summary>
/// The shape of every whole-body translator: the upstream body is parsed once (not JSON is
/// <see cref="BodyTranslation.Malformed"/>) and the pair reads the document.
/// </summary>
public abstract class JsonBodyTranslator : IResponseTranslator
{
    public BodyTranslation Translate(ReadOnlyMemory<byte> upstream, IBufferWriter<byte> output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(upstream);
        }
        catch (JsonException)
        {
            return BodyTranslation.Malformed;
        }
        using (document)
        {
            return Translate(document.RootElement, output);
        }
    }

    /// <summary>Reads the parsed upstream body, writing the client's body (nothing for an identity pair).</summary>
    protected abstract BodyTranslation Translate(JsonElement upstream, IBufferWriter<byte> output);
}
