using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Protocols.OpenAIResponses;
using Bridge.Gateway.Translation.AnthropicToOpenAI;

namespace Bridge.Gateway.Translation.AnthropicToResponses;

/// <summary>
/// OpenAI Responses stream events -> Anthropic SSE events (docs/translation.md, section 6). One
/// instance per response; not thread-safe. Every method writes whole SSE frames, so the caller can
/// flush after each call. The Anthropic side is the sequence <see cref="OpenAIToAnthropicStream"/>
/// writes for the same content: <c>message_start</c> + <c>ping</c>, blocks numbered from 0, text and
/// thinking blocks closed when another kind starts, tool blocks kept open until text or thinking
/// follows or the message ends, then <c>message_delta</c> and <c>message_stop</c>.
/// <para>Pump: <see cref="OnEvent"/> per upstream SSE event. <c>response.completed</c> and
/// <c>response.incomplete</c> end the message themselves (<see cref="Completed"/> turns true). When
/// <see cref="OnEvent"/> returns false the upstream failed (<c>response.failed</c>, <c>error</c>) or
/// sent garbage: call <see cref="WriteError"/> with <see cref="UpstreamError"/>. An upstream that
/// closes before a terminal event has broken off: answer with <see cref="WriteError"/> too, as on
/// the Chat path; <see cref="WriteEnd"/> is there for callers that decide otherwise.</para>
/// <para>Reasoning: <c>response.reasoning_summary_text.delta</c> streams as <c>thinking_delta</c>
/// (summary parts separated by a blank line). The reasoning item's <c>encrypted_content</c> arrives
/// with <c>response.output_item.done</c>: it is sent as the block's <c>signature_delta</c>
/// (<see cref="ReasoningSignature"/>), then the block stops.</para>
/// </summary>
public sealed class ResponsesToAnthropicStream
{
    private sealed class ToolBlock(int outputIndex, string? itemId)
    {
        public int OutputIndex { get; } = outputIndex;
        public string? ItemId { get; } = itemId;
        public int BlockIndex { get; set; } = -1;
        public bool Closed { get; set; }
        public bool SawArguments { get; set; }
        public bool IsOpen => BlockIndex >= 0 && !Closed;
    }

    private readonly string _requestedModel;
    private readonly ToolNameMap _toolNames;
    private readonly byte[] _signatureKey;
    private readonly int _estimatedInputTokens;
    private readonly List<ToolBlock> _tools = [];
    private readonly HashSet<int> _textSeen = [];
    private readonly AnthropicBlockWriter _blocks = new();
    private int _summaryIndex = -1;
    private ResponsesUsage _usage;
    private bool _hasRefusal;

    public ResponsesToAnthropicStream(string requestedModel, ToolNameMap toolNames, byte[] signatureKey, int estimatedInputTokens)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(toolNames);
        ArgumentNullException.ThrowIfNull(signatureKey);
        _requestedModel = requestedModel;
        _toolNames = toolNames;
        _signatureKey = signatureKey;
        _estimatedInputTokens = Math.Max(0, estimatedInputTokens);
    }

    /// <summary>The <c>msg_</c> id sent in <c>message_start</c>.</summary>
    public string MessageId { get; } = AnthropicIds.NewMessageId();

    /// <summary><c>message_start</c> has been written.</summary>
    public bool Started { get; private set; }

    /// <summary><c>message_stop</c> or <c>error</c> has been written; later calls write nothing.</summary>
    public bool Completed { get; private set; }

    /// <summary>A terminal event (<c>response.completed</c> or <c>response.incomplete</c>) ended the message.</summary>
    public bool Finished { get; private set; }

    /// <summary>At least one content block was opened.</summary>
    public bool HasContent => _blocks.Started > 0;

    /// <summary>An upstream <c>usage</c> object was seen.</summary>
    public bool UsageReported { get; private set; }

    /// <summary>Uncached input tokens: upstream's when reported, else the estimate.</summary>
    public int InputTokens => UsageReported ? _usage.UncachedInputTokens : _estimatedInputTokens;

    /// <summary>Output tokens, reasoning included.</summary>
    public int OutputTokens => _usage.OutputTokens;

    public int CachedTokens => _usage.CachedTokens;

    public int ReasoningTokens => _usage.ReasoningTokens;

    /// <summary>The upstream's final <c>status</c> (<c>completed</c>, <c>incomplete</c>), or null before a terminal event.</summary>
    public string? ResponseStatus { get; private set; }

    /// <summary>The Anthropic <c>stop_reason</c> sent in <c>message_delta</c>.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Message of an upstream failure, or a description of an unreadable event.</summary>
    public string? UpstreamError { get; private set; }

    /// <summary>The HTTP status an upstream error names, when it names one (see <see cref="OpenAIErrorStatus"/>).</summary>
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
    /// Translates one upstream event: <paramref name="eventJson"/> is its <c>data:</c> JSON, whose
    /// <c>type</c> names it (<paramref name="eventType"/>, the SSE <c>event:</c> line, is used when it
    /// has none). Returns false when the upstream failed or the event is unreadable; nothing is written then.
    /// </summary>
    public bool OnEvent(string? eventType, ReadOnlySpan<byte> eventJson, IBufferWriter<byte> output)
    {
        if (Completed)
        {
            return true;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(eventJson);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            UpstreamError = "upstream sent a stream event that is not valid JSON";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                UpstreamError = "upstream sent a stream event that is not a JSON object";
                return false;
            }

            var type = OpenAIToAnthropicResponse.StringOrNull(root, "type"u8) ?? eventType;
            switch (type)
            {
                case ResponsesEventTypes.Error:
                    (var message, UpstreamErrorStatus) = ResponsesErrors.ReadErrorEvent(root);
                    UpstreamError = message;
                    return false;
                case ResponsesEventTypes.Failed:
                    var failed = root.TryGetProperty("response"u8, out var r) ? r : default;
                    ResponsesErrors.TryReadBody(failed, out var failedMessage, out var failedStatus);
                    UpstreamError = failedMessage;
                    UpstreamErrorStatus = failedStatus;
                    return false;
            }

            WriteStart(output);
            switch (type)
            {
                case ResponsesEventTypes.OutputItemAdded:
                    OnItemAdded(root, output);
                    break;
                case ResponsesEventTypes.OutputTextDelta or ResponsesEventTypes.RefusalDelta:
                    if (Delta(root) is { Length: > 0 } text)
                    {
                        _textSeen.Add(OutputIndex(root));
                        _hasRefusal |= type == ResponsesEventTypes.RefusalDelta;
                        EnsureOpen(AnthropicBlockKind.Text, output);
                        WriteDelta(output, "text_delta"u8, "text"u8, text);
                    }

                    break;
                case ResponsesEventTypes.ReasoningSummaryTextDelta:
                    OnSummaryDelta(root, output);
                    break;
                case ResponsesEventTypes.FunctionCallArgumentsDelta:
                    OnArgumentsDelta(root, output);
                    break;
                case ResponsesEventTypes.OutputItemDone:
                    OnItemDone(root, output);
                    break;
                case ResponsesEventTypes.Completed or ResponsesEventTypes.Incomplete:
                    var response = root.TryGetProperty("response"u8, out var done) ? done : default;
                    if (ResponsesUsage.TryRead(response, out var usage))
                    {
                        _usage = usage;
                        UsageReported = true;
                    }

                    ResponseStatus = response.ValueKind == JsonValueKind.Object
                        ? OpenAIToAnthropicResponse.StringOrNull(response, "status"u8)
                        : null;
                    ResponseStatus ??= type == ResponsesEventTypes.Incomplete ? "incomplete" : "completed";
                    Finished = true;
                    WriteEnd(output, response.ValueKind == JsonValueKind.Object ? ResponsesToAnthropicResponse.IncompleteReason(response) : null);
                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// Closes open blocks, then <c>message_delta</c> (stop_reason, usage) and <c>message_stop</c>.
    /// Called by <see cref="OnEvent"/> at the terminal event.
    /// </summary>
    public void WriteEnd(IBufferWriter<byte> output) => WriteEnd(output, null);

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

    private void WriteEnd(IBufferWriter<byte> output, string? incompleteReason)
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
            hasToolUse |= tool.BlockIndex >= 0;
            CloseTool(tool, output);
        }

        StopReason = ResponsesStopReasons.From(ResponseStatus, incompleteReason, hasToolUse, _hasRefusal);

        var w = Begin(output, "message_delta");
        w.WriteStartObject();
        w.WriteString("type"u8, "message_delta"u8);
        w.WriteStartObject("delta"u8);
        w.WriteString("stop_reason"u8, StopReason);
        w.WriteNull("stop_sequence"u8);
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

    private void OnItemAdded(JsonElement root, IBufferWriter<byte> output)
    {
        if (!root.TryGetProperty("item"u8, out var item) || item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("type"u8, out var type) || !type.ValueEquals(ResponsesItemTypes.FunctionCall))
        {
            return; // message and reasoning blocks open with their first delta.
        }

        OpenTool(root, item, output);
    }

    private ToolBlock OpenTool(JsonElement root, JsonElement item, IBufferWriter<byte> output)
    {
        var tool = new ToolBlock(OutputIndex(root), OpenAIToAnthropicResponse.StringOrNull(item, "id"u8));
        _tools.Add(tool);
        CloseTextOrThinking(output);
        tool.BlockIndex = _blocks.NextIndex();
        var w = Begin(output, "content_block_start");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_start"u8);
        w.WriteNumber("index"u8, tool.BlockIndex);
        w.WriteStartObject("content_block"u8);
        w.WriteString("type"u8, "tool_use"u8);
        w.WriteString("id"u8, ToolCallIds.ToClient(OpenAIToAnthropicResponse.StringOrNull(item, "call_id"u8)));
        w.WriteString("name"u8, _toolNames.ToClient(OpenAIToAnthropicResponse.StringOrNull(item, "name"u8) ?? ""));
        w.WriteStartObject("input"u8);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
        return tool;
    }

    private void OnSummaryDelta(JsonElement root, IBufferWriter<byte> output)
    {
        if (Delta(root) is not { Length: > 0 } text)
        {
            return;
        }

        var part = root.TryGetProperty("summary_index"u8, out var s) && s.TryGetInt32(out var n) ? n : 0;
        if (_blocks.Open != AnthropicBlockKind.Thinking)
        {
            EnsureOpen(AnthropicBlockKind.Thinking, output);
        }
        else if (part != _summaryIndex)
        {
            WriteDelta(output, "thinking_delta"u8, "thinking"u8, ReasoningItems.PartSeparator);
        }

        _summaryIndex = part;
        WriteDelta(output, "thinking_delta"u8, "thinking"u8, text);
    }

    private void OnArgumentsDelta(JsonElement root, IBufferWriter<byte> output)
    {
        if (Delta(root) is not { Length: > 0 } fragment)
        {
            return;
        }

        var tool = FindTool(root);
        if (tool is { IsOpen: true })
        {
            tool.SawArguments = true;
            WriteToolArguments(tool, fragment, output);
        }
        else
        {
            DroppedArgumentFragments++; // closed by text or thinking in between, or never announced
        }
    }

    private void OnItemDone(JsonElement root, IBufferWriter<byte> output)
    {
        if (!root.TryGetProperty("item"u8, out var item) || item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("type"u8, out var type))
        {
            return;
        }

        if (type.ValueEquals(ResponsesItemTypes.Reasoning))
        {
            var signature = ReasoningItems.Signature(item, _signatureKey);
            if (_blocks.Open != AnthropicBlockKind.Thinking)
            {
                // Nothing streamed (summaries off, or a server that sends whole items): the item carries it all.
                var summary = ReasoningItems.SummaryText(item);
                if (summary.Length == 0 && signature.Length == 0)
                {
                    return;
                }

                EnsureOpen(AnthropicBlockKind.Thinking, output);
                if (summary.Length > 0)
                {
                    WriteDelta(output, "thinking_delta"u8, "thinking"u8, summary);
                }
            }

            if (signature.Length > 0)
            {
                WriteDelta(output, "signature_delta"u8, "signature"u8, signature);
            }

            CloseTextOrThinking(output);
        }
        else if (type.ValueEquals(ResponsesItemTypes.FunctionCall))
        {
            var tool = FindTool(root) ?? OpenTool(root, item, output);
            if (!tool.SawArguments && tool.IsOpen
                && OpenAIToAnthropicResponse.StringOrNull(item, "arguments"u8) is { Length: > 0 } arguments)
            {
                tool.SawArguments = true;
                WriteToolArguments(tool, arguments, output);
            }
        }
        else if (type.ValueEquals(ResponsesItemTypes.Message) && !_textSeen.Contains(OutputIndex(root))
            && item.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.Array)
        {
            // A message whose text was not streamed as deltas.
            foreach (var part in content.EnumerateArray())
            {
                var isRefusal = part.TryGetProperty("type"u8, out var partType) && partType.ValueEquals(ResponsesItemTypes.Refusal);
                if (OpenAIToAnthropicResponse.StringOrNull(part, isRefusal ? "refusal"u8 : "text"u8) is { Length: > 0 } text)
                {
                    _hasRefusal |= isRefusal;
                    EnsureOpen(AnthropicBlockKind.Text, output);
                    WriteDelta(output, "text_delta"u8, "text"u8, text);
                }
            }
        }
    }

    /// <summary>The tool block of an event: by <c>item_id</c>, else by <c>output_index</c>.</summary>
    private ToolBlock? FindTool(JsonElement root)
    {
        if (OpenAIToAnthropicResponse.StringOrNull(root, "item_id"u8) is { } itemId)
        {
            foreach (var tool in _tools)
            {
                if (tool.ItemId == itemId)
                {
                    return tool;
                }
            }
        }

        if (root.TryGetProperty("item"u8, out var item) && item.ValueKind == JsonValueKind.Object
            && OpenAIToAnthropicResponse.StringOrNull(item, "id"u8) is { } doneId)
        {
            foreach (var tool in _tools)
            {
                if (tool.ItemId == doneId)
                {
                    return tool;
                }
            }
        }

        var index = OutputIndex(root);
        foreach (var tool in _tools)
        {
            if (index >= 0 && tool.OutputIndex == index)
            {
                return tool;
            }
        }

        return null;
    }

    private static int OutputIndex(JsonElement root) =>
        root.TryGetProperty("output_index"u8, out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n : -1;

    private static string? Delta(JsonElement root) => OpenAIToAnthropicResponse.StringOrNull(root, "delta"u8);

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

    private void CloseTextOrThinking(IBufferWriter<byte> output)
    {
        if (_blocks.StopTextOrThinking(output)) _summaryIndex = -1;
    }

    private void WriteDelta(IBufferWriter<byte> output, ReadOnlySpan<byte> deltaType, ReadOnlySpan<byte> field, string value) =>
        _blocks.Delta(output, deltaType, field, value);

    private Utf8JsonWriter Begin(IBufferWriter<byte> output, string eventType) => _blocks.Begin(output, eventType);

    private void End(IBufferWriter<byte> output) => _blocks.End(output);
}
