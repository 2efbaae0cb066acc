using Bridge.Gateway.Translation;
using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Protocols.Anthropic;

/// <summary>
/// Writes the events of an Anthropic Messages stream for the translators that produce one (from Chat Completions
/// chunks, from Responses events): one JSON writer reused for every event of the stream, the numbering of content
/// blocks, and which text or thinking block is open. Each translator keeps what is its own: its tool blocks, and
/// when to open and close blocks.
/// </summary>
internal sealed class AnthropicBlockWriter
{
    private Utf8JsonWriter? _writer;

    /// <summary>The text or thinking block that is open, if any.</summary>
    public AnthropicBlockKind Open { get; private set; }

    /// <summary>The index of <see cref="Open"/>'s block, or -1.</summary>
    public int OpenIndex { get; private set; } = -1;

    /// <summary>Content blocks started so far.</summary>
    public int Started { get; private set; }

    /// <summary>The index for a new block.</summary>
    public int NextIndex() => Started++;

    /// <summary>Starts an SSE frame for <paramref name="eventType"/> and returns the writer for its data.</summary>
    public Utf8JsonWriter Begin(IBufferWriter<byte> output, string eventType)
    {
        AnthropicSse.WriteFrameStart(output, eventType);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        return _writer;
    }

    /// <summary>Ends the frame <see cref="Begin"/> started.</summary>
    public void End(IBufferWriter<byte> output)
    {
        _writer!.Flush();
        AnthropicSse.WriteFrameEnd(output);
    }

    /// <summary>Opens an empty text or thinking block (the caller has closed the others).</summary>
    public void StartTextOrThinking(AnthropicBlockKind kind, IBufferWriter<byte> output)
    {
        Open = kind;
        OpenIndex = NextIndex();
        var w = Begin(output, "content_block_start");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_start"u8);
        w.WriteNumber("index"u8, OpenIndex);
        w.WriteStartObject("content_block"u8);
        if (kind == AnthropicBlockKind.Text)
        {
            w.WriteString("type"u8, "text"u8);
            w.WriteString("text"u8, ""u8);
        }
        else
        {
            w.WriteString("type"u8, "thinking"u8);
            w.WriteString("thinking"u8, ""u8);
            w.WriteString("signature"u8, ""u8);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
    }

    /// <summary>Stops the open text or thinking block; false when none was open.</summary>
    public bool StopTextOrThinking(IBufferWriter<byte> output)
    {
        if (Open == AnthropicBlockKind.None)
        {
            return false;
        }

        Stop(OpenIndex, output);
        Open = AnthropicBlockKind.None;
        OpenIndex = -1;
        return true;
    }

    /// <summary>A <c>content_block_delta</c> on the open block.</summary>
    public void Delta(IBufferWriter<byte> output, ReadOnlySpan<byte> deltaType, ReadOnlySpan<byte> field, string value)
    {
        var w = Begin(output, "content_block_delta");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_delta"u8);
        w.WriteNumber("index"u8, OpenIndex);
        w.WriteStartObject("delta"u8);
        w.WriteString("type"u8, deltaType);
        w.WriteString(field, value);
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
    }

    /// <summary>
    /// A <c>content_block_delta</c> on the open block whose value is a JSON string already encoded
    /// (<paramref name="quotedJson"/>, quotes included, checked text): the bytes the writer would frame, copied, without
    /// decoding the string to re-encode it. The common event of a stream, so it skips the writer too.
    /// </summary>
    public void Delta(IBufferWriter<byte> output, ReadOnlySpan<byte> deltaType, ReadOnlySpan<byte> field, ReadOnlySpan<byte> quotedJson)
    {
        output.Write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":"u8);
        var digits = output.GetSpan(11);
        OpenIndex.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
        output.Write(",\"delta\":{\"type\":\""u8);
        output.Write(deltaType);
        output.Write("\",\""u8);
        output.Write(field);
        output.Write("\":"u8);
        output.Write(quotedJson);
        output.Write("}}"u8);
        AnthropicSse.WriteFrameEnd(output);
    }

    /// <summary>An <c>input_json_delta</c> on tool block <paramref name="index"/>.</summary>
    public void ToolArguments(int index, string fragment, IBufferWriter<byte> output)
    {
        var w = Begin(output, "content_block_delta");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_delta"u8);
        w.WriteNumber("index"u8, index);
        w.WriteStartObject("delta"u8);
        w.WriteString("type"u8, "input_json_delta"u8);
        w.WriteString("partial_json"u8, fragment);
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
    }

    /// <summary><c>content_block_stop</c> for block <paramref name="index"/>.</summary>
    public void Stop(int index, IBufferWriter<byte> output)
    {
        var w = Begin(output, "content_block_stop");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_stop"u8);
        w.WriteNumber("index"u8, index);
        w.WriteEndObject();
        End(output);
    }
}
