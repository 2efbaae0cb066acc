using System.Buffers;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Json;
using Bridge.Gateway.Protocols.Anthropic;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>
/// OpenAI chat completion chunks -> Anthropic SSE events (docs/translation.md, section 1.5).
/// One instance per response; not thread-safe. Every method writes whole SSE frames, so the
/// caller can flush after each call.
/// <para>Pump: <see cref="WriteStart"/> (optional: <see cref="OnChunk"/> starts the message
/// itself), <see cref="OnChunk"/> per upstream <c>data:</c> payload other than <c>[DONE]</c>,
/// then <see cref="WriteEnd"/> at <c>[DONE]</c> (or at a clean upstream EOF after a
/// <c>finish_reason</c>), or <see cref="WriteError"/> when the upstream fails. When
/// <see cref="OnChunk"/> returns false the upstream sent an error or garbage: call
/// <see cref="WriteError"/> (with <see cref="UpstreamError"/>). A <c>[DONE]</c> payload passed to
/// <see cref="OnChunk"/> is ignored.</para>
/// <para>Blocks: thinking (from <c>reasoning_content</c>/<c>reasoning</c>) and text are opened lazily
/// and closed when another kind of block starts. Each OpenAI <c>tool_calls[].index</c> gets its own
/// tool_use block, opened when its name is known; tool blocks stay open so argument fragments of
/// parallel calls can arrive interleaved and are routed by index. They are closed at the end, or
/// when text/thinking follows them (fragments for a closed call are then dropped and counted in
/// <see cref="DroppedArgumentFragments"/>). Block indices are sequential from 0.</para>
/// </summary>
public sealed class OpenAIToAnthropicStream
{
    private sealed class ToolBlock(int openAIIndex)
    {
        public int OpenAIIndex { get; } = openAIIndex;
        public string? UpstreamId { get; set; }
        public string? Name { get; set; }
        public int BlockIndex { get; set; } = -1;
        public bool Closed { get; set; }
        public StringBuilder? PendingArguments { get; set; }
        public bool IsOpen => BlockIndex >= 0 && !Closed;
    }

    private readonly string _requestedModel;
    private readonly ToolNameMap _toolNames;
    private readonly IReadOnlyList<string> _stopSequences;
    private readonly int _estimatedInputTokens;
    private readonly List<ToolBlock> _tools = [];
    private byte[] _chunk = new byte[512];
    private readonly AnthropicBlockWriter _blocks = new();
    private OpenAIUsage _usage;
    private string? _upstreamStop;

    public OpenAIToAnthropicStream(string requestedModel, ToolNameMap toolNames, IReadOnlyList<string> stopSequences, int estimatedInputTokens)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(toolNames);
        ArgumentNullException.ThrowIfNull(stopSequences);
        _requestedModel = requestedModel;
        _toolNames = toolNames;
        _stopSequences = stopSequences;
        _estimatedInputTokens = Math.Max(0, estimatedInputTokens);
    }

    /// <summary>The <c>msg_</c> id sent in <c>message_start</c>.</summary>
    public string MessageId { get; } = AnthropicIds.NewMessageId();

    /// <summary><c>message_start</c> has been written.</summary>
    public bool Started { get; private set; }

    /// <summary><c>message_stop</c> or <c>error</c> has been written; later calls write nothing.</summary>
    public bool Completed { get; private set; }

    /// <summary>At least one content block was opened.</summary>
    public bool HasContent => _blocks.Started > 0;

    /// <summary>An upstream <c>usage</c> object was seen.</summary>
    public bool UsageReported { get; private set; }

    /// <summary>Uncached input tokens: upstream's when reported, else the estimate.</summary>
    public int InputTokens => UsageReported ? _usage.InputTokens : _estimatedInputTokens;

    public int OutputTokens => _usage.CompletionTokens;

    public int CachedTokens => _usage.CachedTokens;

    /// <summary>Last upstream <c>finish_reason</c>, or null when none arrived.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>The Anthropic <c>stop_reason</c> sent in <c>message_delta</c> (after <see cref="WriteEnd"/>).</summary>
    public string? StopReason { get; private set; }

    /// <summary>Message of an upstream in-stream error, or a description of an unreadable chunk.</summary>
    public string? UpstreamError { get; private set; }

    /// <summary>
    /// The HTTP status an in-stream error object names, when it names one (see <see cref="OpenAIErrorStatus"/>).
    /// </summary>
    public int? UpstreamErrorStatus { get; private set; }

    public int DroppedArgumentFragments { get; private set; }

    /// <summary><c>message_start</c> (empty content, estimated input tokens) then <c>ping</c>.</summary>
    public void WriteStart(IBufferWriter<byte> output)
    {
        if (Started)
        {
            return;
        }

        Started = true;
        var w = Begin(output, "message_start");
        w.WriteStartObject();
        w.WriteString("type"u8, "message_start"u8);
        w.WriteStartObject("message"u8);
        w.WriteString("id"u8, MessageId);
        w.WriteString("type"u8, "message"u8);
        w.WriteString("role"u8, "assistant"u8);
        w.WriteString("model"u8, _requestedModel);
        w.WriteStartArray("content"u8);
        w.WriteEndArray();
        w.WriteNull("stop_reason"u8);
        w.WriteNull("stop_sequence"u8);
        w.WriteStartObject("usage"u8);
        w.WriteNumber("input_tokens"u8, _estimatedInputTokens);
        w.WriteNumber("cache_creation_input_tokens"u8, 0);
        w.WriteNumber("cache_read_input_tokens"u8, 0);
        w.WriteNumber("output_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
        WritePing(output);
    }

    /// <summary>Keep-alive while the upstream is silent.</summary>
    public void WritePing(IBufferWriter<byte> output)
    {
        if (Completed)
        {
            return;
        }

        var w = Begin(output, "ping");
        w.WriteStartObject();
        w.WriteString("type"u8, "ping"u8);
        w.WriteEndObject();
        End(output);
    }

    /// <summary>
    /// Translates one OpenAI chunk (the JSON of one <c>data:</c> line, not <c>[DONE]</c>).
    /// Returns false when the chunk is an upstream error object or not JSON (see <see cref="UpstreamError"/>);
    /// nothing is written for it then.
    /// </summary>
    public bool OnChunk(ReadOnlySpan<byte> chunkJson, IBufferWriter<byte> output)
    {
        if (Completed)
        {
            return true;
        }

        if (chunkJson.SequenceEqual("[DONE]"u8))
        {
            // End marker, not a chunk: the caller decides when to WriteEnd.
            return true;
        }

        // Read with the tape, over a copy kept for the stream's chunks (the caller's span does not outlive the call).
        if (_chunk.Length < chunkJson.Length) _chunk = new byte[Math.Max(chunkJson.Length, _chunk.Length * 2)];
        chunkJson.CopyTo(_chunk);
        JsonTape tape;
        try
        {
            tape = JsonTape.Parse(_chunk.AsMemory(0, chunkJson.Length));
        }
        catch (JsonException)
        {
            UpstreamError = "upstream sent a stream chunk that is not valid JSON";
            return false;
        }

        using (tape)
        {
            var root = tape.Root;
            if (root.ValueKind != JsonValueKind.Object)
            {
                UpstreamError = "upstream sent a stream chunk that is not a JSON object";
                return false;
            }

            if (root.TryGetProperty("error"u8, out var error) && error.ValueKind is JsonValueKind.Object or JsonValueKind.String)
            {
                // Rare: read the error with the helpers every OpenAI-format answer shares.
                using var document = JsonDocument.Parse(error.RawMemory);
                var parsed = document.RootElement;
                UpstreamError = parsed.ValueKind == JsonValueKind.String
                    ? parsed.GetString()
                    : OpenAIToAnthropicResponse.StringOrNull(parsed, "message"u8) ?? "upstream returned an error";
                if (parsed.ValueKind == JsonValueKind.Object) UpstreamErrorStatus = OpenAIErrorStatus.Of(parsed);
                return false;
            }

            WriteStart(output);

            // Usage comes once, in the last chunk: read it with the shared helper.
            if (root.TryGetProperty("usage"u8, out var usageElement) && usageElement.ValueKind == JsonValueKind.Object)
            {
                using var document = JsonDocument.Parse(root.RawMemory);
                if (OpenAIUsage.TryRead(document.RootElement, out var usage))
                {
                    _usage = usage;
                    UsageReported = true;
                }
            }

            if (root.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    // n > 1 is not expressible in Anthropic's format: only the first choice is used.
                    if (choice.ValueKind != JsonValueKind.Object
                        || (choice.TryGetProperty("index"u8, out var choiceIndex) && choiceIndex.ValueKind == JsonValueKind.Number
                            && (!choiceIndex.TryGetInt32(out var n) || n != 0)))
                    {
                        continue;
                    }

                    if (choice.TryGetProperty("delta"u8, out var delta) && delta.ValueKind == JsonValueKind.Object)
                    {
                        OnDelta(delta, tape.IsText == true, output);
                    }

                    if (StringOrNull(choice, "finish_reason"u8) is { } finish)
                    {
                        FinishReason = finish;
                        _upstreamStop = StringOrNull(choice, "stop_reason"u8);
                    }
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Closes open blocks, then <c>message_delta</c> (stop_reason, stop_sequence, usage) and
    /// <c>message_stop</c>. Writes <c>message_start</c> first if nothing was written yet.
    /// </summary>
    public void WriteEnd(IBufferWriter<byte> output)
    {
        if (Completed)
        {
            return;
        }

        WriteStart(output);
        CloseTextOrThinking(output);
        var hasToolUse = false;
        foreach (var tool in _tools)
        {
            if (tool.BlockIndex < 0 && tool.PendingArguments is not null)
            {
                // Arguments but never a name: still surface the call rather than lose it.
                tool.Name ??= "";
                OpenTool(tool, output);
            }

            hasToolUse |= tool.BlockIndex >= 0;
            CloseTool(tool, output);
        }

        var matched = FinishReason == "stop" ? StopReasons.MatchStopSequence(_upstreamStop, _stopSequences) : null;
        StopReason = StopReasons.FromFinishReason(FinishReason, hasToolUse, matched);

        var w = Begin(output, "message_delta");
        w.WriteStartObject();
        w.WriteString("type"u8, "message_delta"u8);
        w.WriteStartObject("delta"u8);
        w.WriteString("stop_reason"u8, StopReason);
        if (StopReason == "stop_sequence")
        {
            w.WriteString("stop_sequence"u8, matched);
        }
        else
        {
            w.WriteNull("stop_sequence"u8);
        }

        w.WriteEndObject();
        w.WriteStartObject("usage"u8);
        w.WriteNumber("input_tokens"u8, InputTokens);
        w.WriteNumber("cache_creation_input_tokens"u8, 0);
        w.WriteNumber("cache_read_input_tokens"u8, CachedTokens);
        w.WriteNumber("output_tokens"u8, OutputTokens);
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);

        w = Begin(output, "message_stop");
        w.WriteStartObject();
        w.WriteString("type"u8, "message_stop"u8);
        w.WriteEndObject();
        End(output);
        Completed = true;
    }

    /// <summary>
    /// <c>event: error</c> with an Anthropic error body; the stream ends there (no block stops, no
    /// <c>message_stop</c>), which is how Anthropic reports a failure after <c>message_start</c>.
    /// </summary>
    public void WriteError(string errorType, string message, IBufferWriter<byte> output)
    {
        if (Completed)
        {
            return;
        }

        AnthropicErrors.Write(Begin(output, "error"), errorType, message);
        AnthropicSse.WriteFrameEnd(output);
        Completed = true;
    }

    /// <param name="isText">The chunk's strings are checked text (valid UTF-8, no lone surrogate), so they can be copied as they came.</param>
    private void OnDelta(TapeElement delta, bool isText, IBufferWriter<byte> output)
    {
        if (delta.TryGetProperty("reasoning_content"u8, out var reasoning) || delta.TryGetProperty("reasoning"u8, out reasoning))
        {
            if (reasoning.ValueKind == JsonValueKind.String && reasoning.GetStringReplacingInvalid() is { Length: > 0 } thinking)
            {
                EnsureOpen(AnthropicBlockKind.Thinking, output);
                WriteDelta(output, "thinking_delta"u8, "thinking"u8, thinking);
            }
        }

        if (delta.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.String && content.RawUtf8.Length > 2)
        {
            EnsureOpen(AnthropicBlockKind.Text, output);
            if (isText) _blocks.Delta(output, "text_delta"u8, "text"u8, content.RawUtf8);
            else WriteDelta(output, "text_delta"u8, "text"u8, content.GetStringReplacingInvalid());
        }

        if (delta.TryGetProperty("refusal"u8, out var refusal) && refusal.ValueKind == JsonValueKind.String
            && refusal.GetStringReplacingInvalid() is { Length: > 0 } refusalText)
        {
            EnsureOpen(AnthropicBlockKind.Text, output);
            WriteDelta(output, "text_delta"u8, "text"u8, refusalText);
        }

        if (delta.TryGetProperty("tool_calls"u8, out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var call in toolCalls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object)
                {
                    OnToolCallDelta(call, position, output);
                }

                position++;
            }
        }
    }

    private void OnToolCallDelta(TapeElement call, int position, IBufferWriter<byte> output)
    {
        var openAIIndex = call.TryGetProperty("index"u8, out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n : position;
        ToolBlock? tool = null;
        foreach (var candidate in _tools)
        {
            if (candidate.OpenAIIndex == openAIIndex)
            {
                tool = candidate;
                break;
            }
        }

        if (tool is null)
        {
            tool = new ToolBlock(openAIIndex);
            _tools.Add(tool);
        }

        if (tool.UpstreamId is null && StringOrNull(call, "id"u8) is { Length: > 0 } id)
        {
            tool.UpstreamId = id;
        }

        string? arguments = null;
        if (call.TryGetProperty("function"u8, out var function) && function.ValueKind == JsonValueKind.Object)
        {
            if (tool.Name is null && StringOrNull(function, "name"u8) is { Length: > 0 } name)
            {
                tool.Name = name;
            }

            arguments = StringOrNull(function, "arguments"u8);
        }

        if (tool.BlockIndex < 0 && tool.Name is not null)
        {
            CloseTextOrThinking(output);
            OpenTool(tool, output);
        }

        if (string.IsNullOrEmpty(arguments))
        {
            return;
        }

        if (tool.IsOpen)
        {
            WriteToolArguments(tool, arguments, output);
        }
        else if (tool.Closed)
        {
            DroppedArgumentFragments++;
        }
        else
        {
            (tool.PendingArguments ??= new StringBuilder()).Append(arguments);
        }
    }

    private void OpenTool(ToolBlock tool, IBufferWriter<byte> output)
    {
        tool.BlockIndex = _blocks.NextIndex();
        var w = Begin(output, "content_block_start");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_start"u8);
        w.WriteNumber("index"u8, tool.BlockIndex);
        w.WriteStartObject("content_block"u8);
        w.WriteString("type"u8, "tool_use"u8);
        w.WriteString("id"u8, ToolCallIds.ToClient(tool.UpstreamId));
        w.WriteString("name"u8, _toolNames.ToClient(tool.Name!));
        w.WriteStartObject("input"u8);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);

        if (tool.PendingArguments is { Length: > 0 } pending)
        {
            WriteToolArguments(tool, pending.ToString(), output);
            tool.PendingArguments = null;
        }
    }

    private void WriteToolArguments(ToolBlock tool, string fragment, IBufferWriter<byte> output) =>
        _blocks.ToolArguments(tool.BlockIndex, fragment, output);

    private void CloseTool(ToolBlock tool, IBufferWriter<byte> output)
    {
        if (tool.IsOpen)
        {
            _blocks.Stop(tool.BlockIndex, output);
            tool.Closed = true;
        }
    }

    private void EnsureOpen(AnthropicBlockKind kind, IBufferWriter<byte> output)
    {
        if (_blocks.Open == kind)
        {
            return;
        }

        CloseTextOrThinking(output);
        foreach (var tool in _tools)
        {
            CloseTool(tool, output);
        }

        _blocks.StartTextOrThinking(kind, output);
    }

    private void CloseTextOrThinking(IBufferWriter<byte> output) => _blocks.StopTextOrThinking(output);

    private void WriteDelta(IBufferWriter<byte> output, ReadOnlySpan<byte> deltaType, ReadOnlySpan<byte> field, string value) =>
        _blocks.Delta(output, deltaType, field, value);

    private Utf8JsonWriter Begin(IBufferWriter<byte> output, string eventType) => _blocks.Begin(output, eventType);

    private void End(IBufferWriter<byte> output) => _blocks.End(output);

    private static string? StringOrNull(TapeElement obj, ReadOnlySpan<byte> name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetStringReplacingInvalid() : null;
}
