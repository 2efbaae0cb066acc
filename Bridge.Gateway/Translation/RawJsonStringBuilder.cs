using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Bridge.Gateway.Translation;

/// <summary>
/// Builds one JSON string value out of pieces of other JSON strings without decoding them: the
/// pieces' raw (still escaped) UTF-8 is copied between quotes and written with
/// <see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>. Used to join large prompt
/// text (system blocks, tool results, data URLs) without UTF-16 copies. Its buffer is pooled: dispose it.
/// </summary>
internal sealed class RawJsonStringBuilder : IDisposable
{
    private readonly Buffers.PooledBufferWriter _buffer = new(4096);
    private int _contentStart;

    /// <summary>Number of content bytes appended since <see cref="Begin"/>.</summary>
    public int Length => _buffer.WrittenCount - _contentStart;

    public void Begin()
    {
        _buffer.Clear();
        _buffer.Write("\""u8);
        _contentStart = _buffer.WrittenCount;
    }

    /// <summary>Appends the content of a JSON string element, as escaped in the source document.</summary>
    public void Append(JsonElement stringElement)
    {
        var raw = JsonMarshal.GetRawUtf8Value(stringElement);
        _buffer.Write(raw[1..^1]);
    }

    /// <inheritdoc cref="Append(JsonElement)"/>
    public void Append(Json.TapeElement stringElement) => _buffer.Write(stringElement.RawStringContent);

    /// <summary>Appends text that is already valid JSON string content (escaped, e.g. <c>\n</c> written as two bytes).</summary>
    public void AppendEscaped(ReadOnlySpan<byte> escapedUtf8) => _buffer.Write(escapedUtf8);

    /// <summary>True when the element's text starts with <paramref name="asciiPrefix"/> (a prefix without characters JSON escapes).</summary>
    public static bool StartsWith(Json.TapeElement stringElement, ReadOnlySpan<byte> asciiPrefix) =>
        stringElement.RawStringContent.StartsWith(asciiPrefix);

    public void WriteTo(Utf8JsonWriter writer)
    {
        _buffer.Write("\""u8);
        writer.WriteRawValue(_buffer.WrittenSpan, skipInputValidation: true);
    }

    public void Dispose() => _buffer.Dispose();
}
