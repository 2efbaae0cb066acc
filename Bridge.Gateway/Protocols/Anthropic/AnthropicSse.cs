using System.Buffers;
using System.Text;

namespace Bridge.Gateway.Protocols.Anthropic;

/// <summary>Anthropic SSE framing: <c>event: {type}\ndata: {json}\n\n</c>.</summary>
public static class AnthropicSse
{
    public const string ContentType = "text/event-stream";

    private static ReadOnlySpan<byte> EventPrefix => "event: "u8;
    private static ReadOnlySpan<byte> DataPrefix => "\ndata: "u8;
    private static ReadOnlySpan<byte> FrameEnd => "\n\n"u8;

    /// <summary>Writes one complete frame. <paramref name="utf8Json"/> must be single-line JSON.</summary>
    public static void WriteEvent(IBufferWriter<byte> output, string eventType, ReadOnlySpan<byte> utf8Json)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteFrameStart(output, eventType);
        output.Write(utf8Json);
        WriteFrameEnd(output);
    }

    /// <summary>Writes <c>event: {type}\ndata: </c>; the caller writes the JSON, then <see cref="WriteFrameEnd"/>.</summary>
    public static void WriteFrameStart(IBufferWriter<byte> output, string eventType)
    {
        output.Write(EventPrefix);
        var length = Encoding.UTF8.GetByteCount(eventType);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(eventType, span);
        output.Advance(length);
        output.Write(DataPrefix);
    }

    public static void WriteFrameEnd(IBufferWriter<byte> output) => output.Write(FrameEnd);
}
