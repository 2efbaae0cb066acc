using Bridge.Gateway.Protocols.OpenAIResponses;
using System.Buffers;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Gateway.Translation.ResponsesToMessages;

/// <summary>
/// Anthropic Messages SSE events -> Responses API stream events (docs/translation.md, "Responses client ->
/// Anthropic deployment"), framed and numbered as <see cref="ChatToResponsesStream"/> writes them. One
/// instance per response; not thread-safe. Every call writes whole SSE frames, so the caller can flush after each.
/// <para>Pump: <see cref="OnEvent"/> for every upstream event, in order (<c>message_start</c> writes
/// <c>response.created</c> and <c>response.in_progress</c>; <see cref="WriteStart"/> may write them earlier).
/// At <c>message_stop</c> the response ends by itself (<c>response.completed</c>, or <c>response.incomplete</c>
/// for <c>max_tokens</c> and <c>refusal</c>) and <see cref="Completed"/> turns true. When <see cref="OnEvent"/>
/// returns false the upstream sent an <c>error</c> event or unreadable data (<see cref="UpstreamErrorType"/>,
/// <see cref="UpstreamError"/>): call <see cref="WriteError"/>; do the same when the upstream ends before
/// <c>message_stop</c>.</para>
/// <para>Items: each content block is one output item, opened at <c>content_block_start</c> and closed at
/// its <c>content_block_stop</c>: <c>text</c> -> <c>message</c> (<c>response.output_text.delta</c>),
/// <c>thinking</c> -> <c>reasoning</c> (<c>response.reasoning_summary_text.delta</c>; the signature, from
/// <c>signature_delta</c>, goes into <c>encrypted_content</c> at <c>output_item.done</c>, see
/// <see cref="AnthropicThinkingItem"/>), <c>redacted_thinking</c> -> a <c>reasoning</c> item added and done
/// at once, <c>tool_use</c> -> <c>function_call</c> (<c>response.function_call_arguments.delta</c> per
/// <c>input_json_delta</c>), or <c>custom_tool_call</c> for the client's free-form tools (the JSON is held
/// and its <c>input</c> sent as one <c>response.custom_tool_call_input.delta</c> at the close). Server tool
/// blocks, <c>ping</c> and unknown events write nothing.</para>
/// </summary>
public sealed class MessagesToResponsesStream
{
    private enum ItemKind
    {
        Message,
        Reasoning,
        FunctionCall,
        CustomToolCall,
    }

    private sealed class OutputItem(ItemKind kind, int outputIndex, string id)
    {
        public ItemKind Kind { get; } = kind;
        public int OutputIndex { get; } = outputIndex;
        public string Id { get; } = id;
        public StringBuilder Content { get; } = new();
        public string CallId { get; init; } = "";
        public string Name { get; init; } = "";
        public string? EncryptedContent { get; set; }
        public bool Done { get; set; }
        public string? FinalInput { get; set; }
    }

    private readonly string _requestedModel;
    private readonly IReadOnlySet<string> _customTools;
    private readonly long _createdAt;
    private readonly List<OutputItem> _items = [];
    private readonly Dictionary<int, OutputItem> _byBlock = [];
    private readonly ResponsesEventWriter _events = new();
    private AnthropicUsage _usage;

    public MessagesToResponsesStream(string requestedModel, IReadOnlySet<string> customTools, long? createdAt = null)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(customTools);
        _requestedModel = requestedModel;
        _customTools = customTools;
        _createdAt = createdAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    /// <summary>The <c>resp_</c> id of this response.</summary>
    public string ResponseId { get; } = ResponsesWire.NewResponseId();

    /// <summary><c>response.created</c> has been written.</summary>
    public bool Started { get; private set; }

    /// <summary>The final event has been written; later calls write nothing.</summary>
    public bool Completed { get; private set; }

    /// <summary>At least one output item was opened.</summary>
    public bool HasContent => _items.Count > 0;

    /// <summary>An upstream <c>usage</c> object was seen (<c>message_start</c> or <c>message_delta</c>).</summary>
    public bool UsageReported { get; private set; }

    /// <summary>The usage as the client sees it (see <see cref="MessagesUsage.ToResponses"/>).</summary>
    public ChatCompletionUsage Usage => MessagesUsage.ToResponses(_usage);

    /// <summary>The upstream <c>stop_reason</c>, or null until <c>message_delta</c> names it.</summary>
    public string? StopReason { get; private set; }

    /// <summary>The final response status (<c>completed</c>, <c>incomplete</c>, <c>failed</c>), once written.</summary>
    public string? Status { get; private set; }

    /// <summary>Anthropic error type of an upstream <c>error</c> event (e.g. <c>overloaded_error</c>), or <c>api_error</c> for unreadable data.</summary>
    public string? UpstreamErrorType { get; private set; }

    public string? UpstreamError { get; private set; }

    /// <summary><c>response.created</c> then <c>response.in_progress</c>, both with no output yet.</summary>
    public void WriteStart(IBufferWriter<byte> output)
    {
        if (Started)
        {
            return;
        }

        Started = true;
        WriteResponseEvent(output, "response.created", "in_progress");
        WriteResponseEvent(output, "response.in_progress", "in_progress");
    }

    /// <summary>
    /// Translates one upstream event (<paramref name="eventType"/> from the <c>event:</c> line,
    /// <paramref name="data"/> the JSON of its <c>data:</c> line). Returns false, writing nothing, for an
    /// <c>error</c> event or data that is not a JSON object.
    /// </summary>
    public bool OnEvent(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(output);
        if (Completed || eventType == "ping")
        {
            return true;
        }

        if (eventType == "message_stop")
        {
            WriteEnd(output);
            return true;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(data);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return Fail("api_error", $"upstream sent a '{eventType}' event whose data is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail("api_error", $"upstream sent a '{eventType}' event whose data is not a JSON object");
            }

            switch (eventType)
            {
                case "error":
                    var error = root.TryGetProperty("error"u8, out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
                    return Fail(
                        OpenAIToAnthropicResponse.StringOrNull(error, "type"u8) ?? "api_error",
                        OpenAIToAnthropicResponse.StringOrNull(error, "message"u8) ?? "upstream stream failed");
                case "message_start":
                    if (root.TryGetProperty("message"u8, out var message) && message.ValueKind == JsonValueKind.Object
                        && message.TryGetProperty("usage"u8, out var startUsage) && startUsage.ValueKind == JsonValueKind.Object)
                    {
                        _usage.Update(startUsage);
                        UsageReported = true;
                    }

                    WriteStart(output);
                    break;
                case "content_block_start":
                    WriteStart(output);
                    OnBlockStart(root, output);
                    break;
                case "content_block_delta":
                    OnBlockDelta(root, output);
                    break;
                case "content_block_stop":
                    if (TryBlockIndex(root, out var stopped) && _byBlock.Remove(stopped, out var item))
                    {
                        Close(item, output);
                    }

                    break;
                case "message_delta":
                    if (root.TryGetProperty("delta"u8, out var delta) && delta.ValueKind == JsonValueKind.Object
                        && OpenAIToAnthropicResponse.StringOrNull(delta, "stop_reason"u8) is { } stopReason)
                    {
                        StopReason = stopReason;
                    }

                    if (root.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object)
                    {
                        _usage.Update(usage);
                        UsageReported = true;
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// Closes the open items, then <c>response.completed</c> (or <c>response.incomplete</c>) with the whole
    /// response and its usage. Called by <see cref="OnEvent"/> at <c>message_stop</c>.
    /// </summary>
    public void WriteEnd(IBufferWriter<byte> output)
    {
        if (Completed)
        {
            return;
        }

        WriteStart(output);
        var (status, incompleteReason) = MessagesUsage.StatusOf(StopReason);
        CloseAll(output, status);
        Status = status;
        WriteResponseEvent(output, status == "completed" ? "response.completed" : "response.incomplete", status, incompleteReason);
        Completed = true;
    }

    /// <summary>
    /// <c>error</c> (<paramref name="code"/>, e.g. <c>server_error</c> or <c>rate_limit_exceeded</c>), then
    /// <c>response.failed</c> with the same error and the output so far; the stream ends there.
    /// </summary>
    public void WriteError(string code, string message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(message);
        if (Completed)
        {
            return;
        }

        WriteStart(output);
        _events.WriteError(output, code, message);

        Status = "failed";
        WriteResponseEvent(output, "response.failed", "failed", errorCode: code, errorMessage: message);
        Completed = true;
    }

    private bool Fail(string type, string message)
    {
        UpstreamErrorType = type;
        UpstreamError = message;
        return false;
    }

    private static bool TryBlockIndex(JsonElement root, out int index)
    {
        index = 0;
        return root.TryGetProperty("index"u8, out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out index) && index >= 0;
    }

    private void CloseAll(IBufferWriter<byte> output, string status)
    {
        foreach (var item in _items)
        {
            if (!item.Done)
            {
                Close(item, output, status);
            }
        }

        _byBlock.Clear();
    }

    // ---- blocks ----------------------------------------------------------------------------------

    private void OnBlockStart(JsonElement root, IBufferWriter<byte> output)
    {
        if (!TryBlockIndex(root, out var blockIndex)
            || !root.TryGetProperty("content_block"u8, out var block) || block.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        switch (OpenAIToAnthropicResponse.StringOrNull(block, "type"u8))
        {
            case "text":
            {
                var item = Open(ItemKind.Message, ResponsesWire.NewMessageId(), blockIndex, output);
                if (OpenAIToAnthropicResponse.StringOrNull(block, "text"u8) is { Length: > 0 } text)
                {
                    AppendText(item, text, output);
                }

                break;
            }

            case "thinking":
            {
                var item = Open(ItemKind.Reasoning, ResponsesWire.NewReasoningId(), blockIndex, output);
                if (OpenAIToAnthropicResponse.StringOrNull(block, "thinking"u8) is { Length: > 0 } text)
                {
                    AppendText(item, text, output);
                }

                item.EncryptedContent = AnthropicThinkingItem.ForSignature(OpenAIToAnthropicResponse.StringOrNull(block, "signature"u8));
                break;
            }

            case "redacted_thinking":
            {
                var item = new OutputItem(ItemKind.Reasoning, _items.Count, ResponsesWire.NewReasoningId())
                {
                    EncryptedContent = AnthropicThinkingItem.ForRedacted(OpenAIToAnthropicResponse.StringOrNull(block, "data"u8) ?? ""),
                };
                _items.Add(item);
                WriteItemEvent(output, "response.output_item.added", item, "in_progress");
                item.Done = true;
                WriteItemEvent(output, "response.output_item.done", item, "completed");
                break;
            }

            case "tool_use":
            {
                var name = OpenAIToAnthropicResponse.StringOrNull(block, "name"u8) ?? "";
                var custom = _customTools.Contains(name);
                var item = new OutputItem(
                    custom ? ItemKind.CustomToolCall : ItemKind.FunctionCall,
                    _items.Count,
                    custom ? ResponsesWire.NewCustomToolCallId() : ResponsesWire.NewFunctionCallId())
                {
                    CallId = OpenAIToAnthropicResponse.StringOrNull(block, "id"u8) is { Length: > 0 } id ? id : ResponsesWire.NewCallId(),
                    Name = name,
                };
                _items.Add(item);
                _byBlock[blockIndex] = item;
                WriteItemEvent(output, "response.output_item.added", item, "in_progress");
                break;
            }
        }
    }

    private OutputItem Open(ItemKind kind, string id, int blockIndex, IBufferWriter<byte> output)
    {
        var item = new OutputItem(kind, _items.Count, id);
        _items.Add(item);
        _byBlock[blockIndex] = item;
        WriteItemEvent(output, "response.output_item.added", item, "in_progress");
        if (kind == ItemKind.Message)
        {
            var w = BeginEvent(output, "response.content_part.added");
            WritePartAddress(w, item);
            w.WritePropertyName("part"u8);
            ResponsesWire.WriteOutputTextPart(w, "");
            EndEvent(output);
        }
        else
        {
            var w = BeginEvent(output, "response.reasoning_summary_part.added");
            WriteSummaryAddress(w, item);
            w.WritePropertyName("part"u8);
            ResponsesWire.WriteSummaryTextPart(w, "");
            EndEvent(output);
        }

        return item;
    }

    private void OnBlockDelta(JsonElement root, IBufferWriter<byte> output)
    {
        if (!TryBlockIndex(root, out var blockIndex) || !_byBlock.TryGetValue(blockIndex, out var item)
            || !root.TryGetProperty("delta"u8, out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        switch (OpenAIToAnthropicResponse.StringOrNull(delta, "type"u8))
        {
            case "text_delta" when item.Kind == ItemKind.Message:
                if (OpenAIToAnthropicResponse.StringOrNull(delta, "text"u8) is { Length: > 0 } text)
                {
                    AppendText(item, text, output);
                }

                break;
            case "thinking_delta" when item.Kind == ItemKind.Reasoning:
                if (OpenAIToAnthropicResponse.StringOrNull(delta, "thinking"u8) is { Length: > 0 } thinking)
                {
                    AppendText(item, thinking, output);
                }

                break;
            case "signature_delta" when item.Kind == ItemKind.Reasoning:
                if (OpenAIToAnthropicResponse.StringOrNull(delta, "signature"u8) is { Length: > 0 } signature)
                {
                    item.EncryptedContent = AnthropicThinkingItem.ForSignature(
                        (item.EncryptedContent is { } soFar ? soFar[AnthropicThinkingItem.ThinkingPrefix.Length..] : "") + signature);
                }

                break;
            case "input_json_delta" when item.Kind is ItemKind.FunctionCall or ItemKind.CustomToolCall:
                if (OpenAIToAnthropicResponse.StringOrNull(delta, "partial_json"u8) is { Length: > 0 } fragment)
                {
                    item.Content.Append(fragment);
                    if (item.Kind == ItemKind.FunctionCall)
                    {
                        var w = BeginEvent(output, "response.function_call_arguments.delta");
                        w.WriteString("item_id"u8, item.Id);
                        w.WriteNumber("output_index"u8, item.OutputIndex);
                        w.WriteString("delta"u8, fragment);
                        EndEvent(output);
                    }
                }

                break;
        }
    }

    private void AppendText(OutputItem item, string text, IBufferWriter<byte> output)
    {
        item.Content.Append(text);
        if (item.Kind == ItemKind.Message)
        {
            var w = BeginEvent(output, "response.output_text.delta");
            WritePartAddress(w, item);
            w.WriteString("delta"u8, text);
            w.WriteStartArray("logprobs"u8);
            w.WriteEndArray();
            EndEvent(output);
        }
        else
        {
            var w = BeginEvent(output, "response.reasoning_summary_text.delta");
            WriteSummaryAddress(w, item);
            w.WriteString("delta"u8, text);
            EndEvent(output);
        }
    }

    private void Close(OutputItem item, IBufferWriter<byte> output, string status = "completed")
    {
        if (item.Done)
        {
            return;
        }

        item.Done = true;
        var content = item.Content.ToString();
        Utf8JsonWriter w;
        switch (item.Kind)
        {
            case ItemKind.Message:
                w = BeginEvent(output, "response.output_text.done");
                WritePartAddress(w, item);
                w.WriteString("text"u8, content);
                w.WriteStartArray("logprobs"u8);
                w.WriteEndArray();
                EndEvent(output);

                w = BeginEvent(output, "response.content_part.done");
                WritePartAddress(w, item);
                w.WritePropertyName("part"u8);
                ResponsesWire.WriteOutputTextPart(w, content);
                EndEvent(output);
                break;
            case ItemKind.Reasoning:
                w = BeginEvent(output, "response.reasoning_summary_text.done");
                WriteSummaryAddress(w, item);
                w.WriteString("text"u8, content);
                EndEvent(output);

                w = BeginEvent(output, "response.reasoning_summary_part.done");
                WriteSummaryAddress(w, item);
                w.WritePropertyName("part"u8);
                ResponsesWire.WriteSummaryTextPart(w, content);
                EndEvent(output);
                break;
            case ItemKind.CustomToolCall:
                var input = CustomToolInput.DecodeArguments(content);
                item.FinalInput = input;
                if (input.Length > 0)
                {
                    w = BeginEvent(output, "response.custom_tool_call_input.delta");
                    w.WriteString("item_id"u8, item.Id);
                    w.WriteNumber("output_index"u8, item.OutputIndex);
                    w.WriteString("delta"u8, input);
                    EndEvent(output);
                }

                w = BeginEvent(output, "response.custom_tool_call_input.done");
                w.WriteString("item_id"u8, item.Id);
                w.WriteNumber("output_index"u8, item.OutputIndex);
                w.WriteString("input"u8, input);
                EndEvent(output);
                break;
            default:
                if (content.Length == 0)
                {
                    item.Content.Append("{}"); // a tool without parameters streams no input_json_delta.
                }

                w = BeginEvent(output, "response.function_call_arguments.done");
                w.WriteString("item_id"u8, item.Id);
                w.WriteNumber("output_index"u8, item.OutputIndex);
                w.WriteString("name"u8, item.Name);
                w.WriteString("arguments"u8, item.Content.ToString());
                EndEvent(output);
                break;
        }

        WriteItemEvent(output, "response.output_item.done", item, status == "incomplete" ? "incomplete" : "completed");
    }

    private static void WritePartAddress(Utf8JsonWriter w, OutputItem item)
    {
        w.WriteString("item_id"u8, item.Id);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WriteNumber("content_index"u8, 0);
    }

    private static void WriteSummaryAddress(Utf8JsonWriter w, OutputItem item)
    {
        w.WriteString("item_id"u8, item.Id);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WriteNumber("summary_index"u8, 0);
    }

    // ---- items and response events -------------------------------------------------------------

    private void WriteItemEvent(IBufferWriter<byte> output, string type, OutputItem item, string status)
    {
        var w = BeginEvent(output, type);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        WriteItem(w, item, status, added: type == "response.output_item.added");
        EndEvent(output);
    }

    private static void WriteItem(Utf8JsonWriter w, OutputItem item, string status, bool added = false)
    {
        switch (item.Kind)
        {
            case ItemKind.Message:
                ResponsesWire.WriteMessageItem(w, item.Id, status, added ? null : item.Content.ToString());
                break;
            case ItemKind.Reasoning:
                // The signature arrives last (signature_delta): encrypted_content is written once the item is done.
                AnthropicThinkingItem.Write(w, item.Id, added ? null : item.Content.ToString(), item.Done ? item.EncryptedContent : null);
                break;
            case ItemKind.CustomToolCall:
                ResponsesWire.WriteCustomToolCallItem(w, item.Id, item.CallId, item.Name, item.FinalInput ?? "");
                break;
            default:
                ResponsesWire.WriteFunctionCallItem(w, item.Id, item.Done ? "completed" : "in_progress", item.CallId, item.Name, item.Content.ToString());
                break;
        }
    }

    private void WriteResponseEvent(
        IBufferWriter<byte> output, string type, string status,
        string? incompleteReason = null, string? errorCode = null, string? errorMessage = null)
    {
        var w = BeginEvent(output, type);
        w.WritePropertyName("response"u8);
        ResponsesWire.WriteResponseStart(w, ResponseId, _createdAt, status, _requestedModel, incompleteReason, errorCode, errorMessage);
        w.WriteStartArray("output"u8);
        foreach (var item in _items)
        {
            var itemStatus = item.Done ? (status == "incomplete" ? "incomplete" : "completed") : "in_progress";
            WriteItem(w, item, itemStatus);
        }

        w.WriteEndArray();
        ResponsesWire.WriteResponseEnd(w, UsageReported && status != "in_progress" ? Usage : null);
        EndEvent(output);
    }

    // ---- framing -----------------------------------------------------------------------------

    private Utf8JsonWriter BeginEvent(IBufferWriter<byte> output, string type) => _events.BeginEvent(output, type);

    private void EndEvent(IBufferWriter<byte> output) => _events.EndEvent(output);
}
