using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAI;
using Bridge.Gateway.Protocols.OpenAIResponses;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Gateway.Translation.OpenAIToAnthropic;

namespace Bridge.Gateway.Translation.ChatToResponses;

/// <summary>
/// OpenAI Responses stream events -> OpenAI chat completion chunks (<c>data: {json}\n\n</c>), written with
/// the conventions of <see cref="MessagesStreamToChat"/> (docs/translation.md, section 9). One instance per
/// response; not thread-safe. Every call writes whole frames, so the caller can flush after each call.
/// <para>Pump: <see cref="OnEvent"/> per upstream event. <c>response.completed</c> and <c>response.incomplete</c>
/// end the chat stream (<see cref="Completed"/> turns true): then call <see cref="WriteDone"/>. When
/// <see cref="OnEvent"/> returns false the upstream failed (<c>response.failed</c>, <c>error</c>) or sent
/// garbage (<see cref="UpstreamError"/>, <see cref="UpstreamErrorStatus"/>): call <see cref="WriteError"/> and
/// end without <c>[DONE]</c>. An upstream that closes before a terminal event has broken off: <see cref="WriteError"/> too.</para>
/// <para>Chunks: the first carries <c>delta.role: "assistant"</c> (at <c>response.created</c>);
/// <c>output_text.delta</c> -> <c>delta.content</c> (its <c>logprobs</c>, when asked for, -> <c>logprobs.content</c>); <c>refusal.delta</c> -> <c>delta.refusal</c>;
/// <c>reasoning_summary_text.delta</c> -> <c>delta.reasoning_content</c> (summary parts separated by a blank
/// line); a <c>function_call</c> item added -> a <c>tool_calls</c> entry with its own <c>index</c> (counting
/// tool calls only), the <c>call_id</c> as <c>id</c>, <c>type</c>, <c>function.name</c> and empty
/// <c>arguments</c>; each <c>function_call_arguments.delta</c> -> <c>{index, function: {arguments}}</c>, routed
/// by <c>item_id</c> (else <c>output_index</c>). Items whose content was not streamed as deltas are written
/// whole at <c>output_item.done</c>. The terminal event -> a chunk with an empty delta and the
/// <c>finish_reason</c>, then (when usage was requested) a chunk with <c>choices: []</c> and <c>usage</c>.</para>
/// </summary>
public sealed class ResponsesStreamToChat
{
    private sealed class ToolCall(int index, int outputIndex, string? itemId, bool custom)
    {
        public int Index { get; } = index;
        public int OutputIndex { get; } = outputIndex;
        public string? ItemId { get; } = itemId;
        public bool Custom { get; } = custom;
        public bool SawArguments { get; set; }
    }

    private readonly string _requestedModel;
    private readonly bool _includeUsage;
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private readonly List<ToolCall> _tools = [];
    private readonly HashSet<int> _streamed = [];
    private Utf8JsonWriter? _writer;
    private bool _roleSent;
    private bool _reasoningSent;
    private string? _summaryItem;
    private int _summaryIndex = -1;
    private ResponsesUsage _usage;

    public ResponsesStreamToChat(string requestedModel, bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        _requestedModel = requestedModel;
        _includeUsage = includeUsage;
    }

    /// <summary>The <c>chatcmpl-</c> id shared by every chunk.</summary>
    public string Id { get; } = AnthropicIds.NewChatCompletionId();

    /// <summary>The finish chunk (or an error) has been written; later events write nothing.</summary>
    public bool Completed { get; private set; }

    /// <summary>The <c>finish_reason</c> sent in the final chunk (null until then).</summary>
    public string? FinishReason { get; private set; }

    /// <summary>An upstream <c>usage</c> object was seen (at the terminal event).</summary>
    public bool UsageReported { get; private set; }

    /// <summary>Input tokens, cached included.</summary>
    public int PromptTokens => _usage.InputTokens;

    /// <summary>Output tokens, reasoning included.</summary>
    public int CompletionTokens => _usage.OutputTokens;

    public int CachedTokens => _usage.CachedTokens;

    public int ReasoningTokens => _usage.ReasoningTokens;

    /// <summary>Number of tool calls announced so far.</summary>
    public int ToolCalls => _tools.Count;

    /// <summary>Message of an upstream failure, or a description of an unreadable event.</summary>
    public string? UpstreamError { get; private set; }

    /// <summary>The HTTP status an upstream error names, when it names one (see <see cref="OpenAIErrorStatus"/>).</summary>
    public int? UpstreamErrorStatus { get; private set; }

    /// <summary>
    /// Translates one upstream event: <paramref name="eventJson"/> is its <c>data:</c> JSON, whose <c>type</c>
    /// names it (<paramref name="eventType"/>, the SSE <c>event:</c> line, is used when it has none). Returns
    /// false, writing nothing, when the upstream failed or the event is unreadable.
    /// </summary>
    public bool OnEvent(string? eventType, ReadOnlySpan<byte> eventJson, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
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

            switch (OpenAIToAnthropicResponse.StringOrNull(root, "type"u8) ?? eventType)
            {
                case ResponsesEventTypes.Error:
                    (var message, UpstreamErrorStatus) = ResponsesErrors.ReadErrorEvent(root);
                    UpstreamError = message;
                    return false;
                case ResponsesEventTypes.Failed:
                    ResponsesErrors.TryReadBody(root.TryGetProperty("response"u8, out var failed) ? failed : default, out var failedMessage, out var failedStatus);
                    UpstreamError = failedMessage;
                    UpstreamErrorStatus = failedStatus;
                    return false;
                case ResponsesEventTypes.Created or ResponsesEventTypes.InProgress:
                    EnsureRole(output);
                    break;
                case ResponsesEventTypes.OutputItemAdded:
                    if (root.TryGetProperty("item"u8, out var added) && IsToolCall(added, out var custom))
                    {
                        Announce(root, added, custom, output);
                    }

                    break;
                case ResponsesEventTypes.OutputTextDelta:
                    OnTextDelta(root, "content"u8, output);
                    break;
                case ResponsesEventTypes.RefusalDelta:
                    OnTextDelta(root, "refusal"u8, output);
                    break;
                case ResponsesEventTypes.ReasoningSummaryTextDelta:
                    OnSummaryDelta(root, output);
                    break;
                case ResponsesEventTypes.FunctionCallArgumentsDelta or "response.custom_tool_call_input.delta":
                    if (Delta(root) is { Length: > 0 } fragment && FindTool(root) is { } tool)
                    {
                        tool.SawArguments = true;
                        WriteToolPayload(tool, fragment, output);
                    }

                    break;
                case ResponsesEventTypes.OutputItemDone:
                    OnItemDone(root, output);
                    break;
                case ResponsesEventTypes.Completed or ResponsesEventTypes.Incomplete:
                    var response = root.TryGetProperty("response"u8, out var done) && done.ValueKind == JsonValueKind.Object ? done : default;
                    if (ResponsesUsage.TryRead(response, out var usage))
                    {
                        _usage = usage;
                        UsageReported = true;
                    }

                    var status = response.ValueKind == JsonValueKind.Object ? OpenAIToAnthropicResponse.StringOrNull(response, "status"u8) : null;
                    status ??= root.TryGetProperty("type"u8, out var t) && t.ValueEquals(ResponsesEventTypes.Incomplete) ? "incomplete" : "completed";
                    var reason = response.ValueKind == JsonValueKind.Object ? ResponsesToAnthropicResponse.IncompleteReason(response) : null;
                    WriteFinish(FinishReasons.FromStopReason(ResponsesStopReasons.From(status, reason, _tools.Count > 0, hasRefusal: false)), output);
                    break;
            }
        }

        return true;
    }

    /// <summary>Writes <c>data: [DONE]\n\n</c>.</summary>
    public void WriteDone(IBufferWriter<byte> output) => OpenAISse.WriteDone(output);

    /// <summary>
    /// An in-stream error as OpenAI-compatible servers send it (<c>data: {"error":{...}}</c>; the OpenAI SDKs raise
    /// it), as <see cref="MessagesStreamToChat.WriteError"/>. Marks the stream <see cref="Completed"/>; send no <c>[DONE]</c> after it.
    /// </summary>
    public void WriteError(string message, string type, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(output);
        OpenAISse.WriteFrameStart(output);
        OpenAIErrors.Write(output, message, type);
        OpenAISse.WriteFrameEnd(output);
        Completed = true;
    }

    private static bool IsToolCall(JsonElement item, out bool custom)
    {
        custom = false;
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type"u8, out var type))
        {
            return false;
        }

        custom = type.ValueEquals("custom_tool_call"u8);
        return custom || type.ValueEquals(ResponsesItemTypes.FunctionCall);
    }

    private ToolCall Announce(JsonElement root, JsonElement item, bool custom, IBufferWriter<byte> output)
    {
        var tool = new ToolCall(_tools.Count, OutputIndex(root), OpenAIToAnthropicResponse.StringOrNull(item, "id"u8), custom);
        _tools.Add(tool);
        var w = BeginChunk(output);
        w.WriteStartArray("tool_calls"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, tool.Index);
        w.WriteString("id"u8, OpenAIToAnthropicResponse.StringOrNull(item, "call_id"u8) ?? AnthropicIds.NewToolUseId());
        w.WriteString("type"u8, custom ? "custom"u8 : "function"u8);
        w.WriteStartObject(custom ? "custom"u8 : "function"u8);
        w.WriteString("name"u8, OpenAIToAnthropicResponse.StringOrNull(item, "name"u8) ?? "");
        w.WriteString(custom ? "input"u8 : "arguments"u8, ""u8);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        EndChunk(output, finishReason: null);
        return tool;
    }

    private void OnTextDelta(JsonElement root, ReadOnlySpan<byte> field, IBufferWriter<byte> output)
    {
        if (Delta(root) is not { Length: > 0 } text)
        {
            return;
        }

        _streamed.Add(OutputIndex(root));
        var w = BeginChunk(output);
        w.WriteString(field, text);
        w.WriteEndObject(); // delta
        if (root.TryGetProperty("logprobs"u8, out var logprobs) && logprobs.ValueKind == JsonValueKind.Array && logprobs.GetArrayLength() > 0)
        {
            // Present when the request asked for them; the entries have Chat's shape.
            w.WriteStartObject("logprobs"u8);
            w.WritePropertyName("content"u8);
            logprobs.WriteTo(w);
            w.WriteNull("refusal"u8);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("logprobs"u8);
        }

        EndChoice(output, finishReason: null);
    }

    private void OnSummaryDelta(JsonElement root, IBufferWriter<byte> output)
    {
        if (Delta(root) is not { Length: > 0 } text)
        {
            return;
        }

        _streamed.Add(OutputIndex(root));
        var item = OpenAIToAnthropicResponse.StringOrNull(root, "item_id"u8);
        var part = root.TryGetProperty("summary_index"u8, out var s) && s.TryGetInt32(out var n) ? n : 0;
        if (_reasoningSent && (part != _summaryIndex || item != _summaryItem))
        {
            WriteDelta("reasoning_content"u8, ReasoningItems.PartSeparator, output);
        }

        _summaryItem = item;
        _summaryIndex = part;
        WriteDelta("reasoning_content"u8, text, output);
        _reasoningSent = true;
    }

    /// <summary>Whatever an item carried that no delta streamed (a server that sends whole items).</summary>
    private void OnItemDone(JsonElement root, IBufferWriter<byte> output)
    {
        if (!root.TryGetProperty("item"u8, out var item) || item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("type"u8, out var type))
        {
            return;
        }

        if (IsToolCall(item, out var custom))
        {
            var tool = FindTool(root) ?? Announce(root, item, custom, output);
            if (!tool.SawArguments && OpenAIToAnthropicResponse.StringOrNull(item, custom ? "input"u8 : "arguments"u8) is { Length: > 0 } payload)
            {
                tool.SawArguments = true;
                WriteToolPayload(tool, payload, output);
            }

            return;
        }

        if (_streamed.Contains(OutputIndex(root)))
        {
            return;
        }

        if (type.ValueEquals(ResponsesItemTypes.Reasoning))
        {
            if (ReasoningItems.SummaryText(item) is { Length: > 0 } summary)
            {
                if (_reasoningSent)
                {
                    WriteDelta("reasoning_content"u8, ReasoningItems.PartSeparator, output);
                }

                WriteDelta("reasoning_content"u8, summary, output);
                _reasoningSent = true;
            }
        }
        else if (type.ValueEquals(ResponsesItemTypes.Message) && item.TryGetProperty("content"u8, out var content)
            && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                var isRefusal = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type"u8, out var partType)
                    && partType.ValueEquals(ResponsesItemTypes.Refusal);
                if (part.ValueKind == JsonValueKind.Object
                    && OpenAIToAnthropicResponse.StringOrNull(part, isRefusal ? "refusal"u8 : "text"u8) is { Length: > 0 } text)
                {
                    WriteDelta(isRefusal ? "refusal"u8 : "content"u8, text, output);
                }
            }
        }
    }

    /// <summary>The tool call of an event: by <c>item_id</c> (or the done item's <c>id</c>), else by <c>output_index</c>.</summary>
    private ToolCall? FindTool(JsonElement root)
    {
        var itemId = OpenAIToAnthropicResponse.StringOrNull(root, "item_id"u8);
        if (itemId is null && root.TryGetProperty("item"u8, out var item) && item.ValueKind == JsonValueKind.Object)
        {
            itemId = OpenAIToAnthropicResponse.StringOrNull(item, "id"u8);
        }

        if (itemId is not null)
        {
            foreach (var tool in _tools)
            {
                if (tool.ItemId == itemId)
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

    private void WriteToolPayload(ToolCall tool, string fragment, IBufferWriter<byte> output)
    {
        var w = BeginChunk(output);
        w.WriteStartArray("tool_calls"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, tool.Index);
        w.WriteStartObject(tool.Custom ? "custom"u8 : "function"u8);
        w.WriteString(tool.Custom ? "input"u8 : "arguments"u8, fragment);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        EndChunk(output, finishReason: null);
    }

    private void WriteDelta(ReadOnlySpan<byte> field, string text, IBufferWriter<byte> output)
    {
        var w = BeginChunk(output);
        w.WriteString(field, text);
        EndChunk(output, finishReason: null);
    }

    private void EnsureRole(IBufferWriter<byte> output)
    {
        if (!_roleSent)
        {
            var w = BeginChunk(output);
            w.WriteString("content"u8, ""u8);
            EndChunk(output, finishReason: null);
        }
    }

    private void WriteFinish(string finishReason, IBufferWriter<byte> output)
    {
        FinishReason = finishReason;
        BeginChunk(output);
        EndChunk(output, finishReason);
        if (_includeUsage)
        {
            var w = BeginFrame(output);
            w.WriteStartArray("choices"u8);
            w.WriteEndArray();
            ChatUsage.Write(w, _usage);
            w.WriteEndObject();
            w.Flush();
            OpenAISse.WriteFrameEnd(output);
        }

        Completed = true;
    }

    /// <summary>Starts a frame and the chunk envelope up to the open <c>delta</c> object (with the role on the first chunk).</summary>
    private Utf8JsonWriter BeginChunk(IBufferWriter<byte> output)
    {
        var w = BeginFrame(output);
        w.WriteStartArray("choices"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        w.WriteStartObject("delta"u8);
        if (!_roleSent)
        {
            _roleSent = true;
            w.WriteString("role"u8, "assistant"u8);
        }

        return w;
    }

    private void EndChunk(IBufferWriter<byte> output, string? finishReason)
    {
        var w = _writer!;
        w.WriteEndObject(); // delta
        w.WriteNull("logprobs"u8);
        EndChoice(output, finishReason);
    }

    /// <summary>Ends the choice after its <c>logprobs</c>, then the chunk and the frame.</summary>
    private void EndChoice(IBufferWriter<byte> output, string? finishReason)
    {
        var w = _writer!;
        if (finishReason is null)
        {
            w.WriteNull("finish_reason"u8);
        }
        else
        {
            w.WriteString("finish_reason"u8, finishReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        OpenAISse.WriteFrameEnd(output);
    }

    private Utf8JsonWriter BeginFrame(IBufferWriter<byte> output)
    {
        OpenAISse.WriteFrameStart(output);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        var w = _writer;
        w.WriteStartObject();
        w.WriteString("id"u8, Id);
        w.WriteString("object"u8, "chat.completion.chunk"u8);
        w.WriteNumber("created"u8, _created);
        w.WriteString("model"u8, _requestedModel);
        return w;
    }
}
