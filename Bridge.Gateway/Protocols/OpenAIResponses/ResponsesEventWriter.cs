using Bridge.Gateway.Translation;
using System.Buffers;
using System.Text.Json;
using System.Text;

namespace Bridge.Gateway.Protocols.OpenAIResponses;

/// <summary>
/// The framing of a Responses event stream, for the translators that write one (from Chat chunks, from Anthropic
/// events): <c>event:</c>/<c>data:</c> frames, each event object opened with its <c>type</c> and an increasing
/// <c>sequence_number</c>, written with one JSON writer reused for the whole stream.
/// </summary>
internal sealed class ResponsesEventWriter
{
    private Utf8JsonWriter? _writer;
    private int _sequence;

    /// <summary>Starts the frame and the event object: <c>type</c> and <c>sequence_number</c> are written.</summary>
    public Utf8JsonWriter BeginEvent(IBufferWriter<byte> output, string type)
    {
        output.Write("event: "u8);
        var length = Encoding.UTF8.GetByteCount(type);
        Encoding.UTF8.GetBytes(type, output.GetSpan(length));
        output.Advance(length);
        output.Write("\ndata: "u8);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        _writer.WriteStartObject();
        _writer.WriteString("type"u8, type);
        _writer.WriteNumber("sequence_number"u8, _sequence++);
        return _writer;
    }

    /// <summary>Closes the event object and the frame.</summary>
    public void EndEvent(IBufferWriter<byte> output)
    {
        _writer!.WriteEndObject();
        _writer.Flush();
        output.Write("\n\n"u8);
    }

    /// <summary>An <c>error</c> event (<paramref name="code"/>, e.g. <c>server_error</c> or <c>rate_limit_exceeded</c>).</summary>
    public void WriteError(IBufferWriter<byte> output, string code, string message)
    {
        var w = BeginEvent(output, "error");
        w.WriteString("code"u8, code);
        w.WriteString("message"u8, message);
        w.WriteNull("param"u8);
        EndEvent(output);
    }
}
