using System.Buffers;

namespace Bridge.Gateway.Protocols.OpenAI;

/// <summary>
/// OpenAI streaming framing: <c>data: {json}\n\n</c> per chunk (no <c>event:</c> line) and a final
/// <c>data: [DONE]\n\n</c>.
/// </summary>
public static class OpenAISse
{
    public const string ContentType = "text/event-stream";

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> FrameEnd => "\n\n"u8;
    private static ReadOnlySpan<byte> DoneFrame => "data: [DONE]\n\n"u8;

    /// <summary>Writes <c>data: </c>; the caller writes single-line JSON, then <see cref="WriteFrameEnd"/>.</summary>
    public static void WriteFrameStart(IBufferWriter<byte> output) => output.Write(DataPrefix);

    public static void WriteFrameEnd(IBufferWriter<byte> output) => output.Write(FrameEnd);

    /// <summary>The end-of-stream marker.</summary>
    public static void WriteDone(IBufferWriter<byte> output) => output.Write(DoneFrame);
}
