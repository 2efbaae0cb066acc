using Bridge.Gateway.Protocols.OpenAIResponses;
using System.Buffers;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation.AnthropicToOpenAI;

namespace Bridge.Gateway.Translation.ResponsesToChat;

/// <summary>
/// Chat Completions chunks -> Responses API stream events (docs/translation.md, "Responses client -> Chat
/// Completions deployment"). One instance per response; not thread-safe. Every method writes whole SSE frames (<c>event: type\ndata: json\n\n</c>,
/// <c>sequence_number</c> counting from 0), so the caller can flush after each call.
/// <para>Pump: <see cref="WriteStart"/> (optional: <see cref="OnChunk"/> starts the response itself:
/// <c>response.created</c>, <c>response.in_progress</c>), <see cref="OnChunk"/> per upstream <c>data:</c>
/// payload, then <see cref="WriteEnd"/> at <c>[DONE]</c> (or at a clean upstream EOF after a
/// <c>finish_reason</c>): <c>response.completed</c>, or <c>response.incomplete</c> when the upstream stopped
/// at its token limit or its content filter. When <see cref="OnChunk"/> returns false the upstream sent an
/// error or garbage: call <see cref="WriteError"/> (<c>error</c>, then <c>response.failed</c>).</para>
/// <para>Items: <c>reasoning_content</c> (DeepSeek, vLLM) opens a <c>reasoning</c> item whose one summary part
/// gets the text (<c>response.reasoning_summary_text.delta</c>); text opens one <c>message</c> item with one <c>output_text</c> part; each Chat
/// <c>tool_calls[].index</c> opens its own <c>function_call</c> item once its name is known (argument
/// fragments before that are held back). Tool items stay open, so fragments of parallel calls may arrive
/// interleaved (each event names its item), until text follows or the stream ends; fragments for an item
/// already closed are dropped and counted in <see cref="DroppedArgumentFragments"/>. Calls to the client's
/// <c>custom</c> tools are <c>custom_tool_call</c> items: their JSON arguments are held and decoded at the
/// end (<see cref="CustomToolInput"/>), then sent as one <c>response.custom_tool_call_input.delta</c>.</para>
/// </summary>
public sealed class ChatToResponsesStream
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
        public string CallId { get; set; } = "";
        public string Name { get; set; } = "";
        public bool Done { get; set; }
        public string? FinalInput { get; set; }
    }

    private sealed class ToolCall(int chatIndex)
    {
        public int ChatIndex { get; } = chatIndex;
        public string? UpstreamId { get; set; }
        public string? UpstreamName { get; set; }
        public StringBuilder? Pending { get; set; }
        public OutputItem? Item { get; set; }
    }

    private readonly string _requestedModel;
    private readonly ToolNameMap _toolNames;
    private readonly IReadOnlySet<string> _customTools;
    private readonly long _createdAt;
    private readonly List<OutputItem> _items = [];
    private readonly List<ToolCall> _calls = [];
    private OutputItem? _openMessage;
    private OutputItem? _openReasoning;
    private readonly ResponsesEventWriter _events = new();
    private ChatCompletionUsage _usage;

    public ChatToResponsesStream(string requestedModel, ToolNameMap toolNames, IReadOnlySet<string> customTools, long? createdAt = null)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(toolNames);
        ArgumentNullException.ThrowIfNull(customTools);
        _requestedModel = requestedModel;
        _toolNames = toolNames;
        _customTools = customTools;
        _createdAt = createdAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    /// <summary>The <c>resp_</c> id of this response.</summary>
    public string ResponseId { get; } = ResponsesWire.NewResponseId();

    /// <summary><c>response.created</c> has been written.</summary>
    public bool Started { get; private set; }

    /// <summary>The final event (<c>response.completed</c>, <c>.incomplete</c> or <c>.failed</c>) has been written; later calls write nothing.</summary>
    public bool Completed { get; private set; }

    /// <summary>At least one output item was opened.</summary>
    public bool HasContent => _items.Count > 0;

    /// <summary>An upstream <c>usage</c> object was seen.</summary>
    public bool UsageReported { get; private set; }

    public ChatCompletionUsage Usage => _usage;

    /// <summary>Last upstream <c>finish_reason</c>, or null when none arrived.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>The final response status (<c>completed</c>, <c>incomplete</c>, <c>failed</c>), once written.</summary>
    public string? Status { get; private set; }

    /// <summary>Message of an upstream in-stream error, or a description of an unreadable chunk.</summary>
    public string? UpstreamError { get; private set; }

    /// <summary>The HTTP status an in-stream error object names, when it names one (see <see cref="OpenAIErrorStatus"/>).</summary>
    public int? UpstreamErrorStatus { get; private set; }

    public int DroppedArgumentFragments { get; private set; }

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
    /// Translates one Chat chunk (the JSON of one <c>data:</c> line; <c>[DONE]</c> is ignored). Returns false
    /// when the chunk is an upstream error object or not JSON (see <see cref="UpstreamError"/>); nothing is
    /// written for it then.
    /// </summary>
    public bool OnChunk(ReadOnlySpan<byte> chunkJson, IBufferWriter<byte> output)
    {
        if (Completed || chunkJson.SequenceEqual("[DONE]"u8))
        {
            return true;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(chunkJson);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            UpstreamError = "upstream sent a stream chunk that is not valid JSON";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                UpstreamError = "upstream sent a stream chunk that is not a JSON object";
                return false;
            }

            if (root.TryGetProperty("error"u8, out var error) && error.ValueKind is JsonValueKind.Object or JsonValueKind.String)
            {
                UpstreamError = error.ValueKind == JsonValueKind.String
                    ? error.GetString()
                    : OpenAIToAnthropicResponse.StringOrNull(error, "message"u8) ?? "upstream returned an error";
                if (error.ValueKind == JsonValueKind.Object) UpstreamErrorStatus = OpenAIErrorStatus.Of(error);
                return false;
            }

            WriteStart(output);
            if (ChatCompletionUsage.TryRead(root, out var usage))
            {
                _usage = usage;
                UsageReported = true;
            }

            if (root.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    // n > 1 has no Responses form: only the first choice is used.
                    if (choice.ValueKind != JsonValueKind.Object
                        || (choice.TryGetProperty("index"u8, out var choiceIndex) && choiceIndex.ValueKind == JsonValueKind.Number
                            && (!choiceIndex.TryGetInt32(out var n) || n != 0)))
                    {
                        continue;
                    }

                    if (choice.TryGetProperty("delta"u8, out var delta) && delta.ValueKind == JsonValueKind.Object)
                    {
                        OnDelta(delta, output);
                    }

                    if (OpenAIToAnthropicResponse.StringOrNull(choice, "finish_reason"u8) is { } finish)
                    {
                        FinishReason = finish;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Closes the open items, then <c>response.completed</c> (or <c>response.incomplete</c>) with the whole
    /// response and its usage. Writes <c>response.created</c> first if nothing was written yet.
    /// </summary>
    public void WriteEnd(IBufferWriter<byte> output)
    {
        if (Completed)
        {
            return;
        }

        WriteStart(output);
        var (status, incompleteReason) = ResponsesWire.StatusOf(FinishReason);
        CloseReasoning(output);
        CloseMessage(output, status);
        foreach (var call in _calls)
        {
            if (call.Item is null && call.Pending is not null)
            {
                // Arguments but never a name: still surface the call rather than lose it.
                call.UpstreamName ??= "";
                OpenCall(call, output);
            }

            CloseCall(call, output);
        }

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

    private void OnDelta(JsonElement delta, IBufferWriter<byte> output)
    {
        if (delta.TryGetProperty("reasoning_content"u8, out var reasoning) || delta.TryGetProperty("reasoning"u8, out reasoning))
        {
            if (reasoning.ValueKind == JsonValueKind.String && Json.JsonStrings.GetStringReplacingInvalid(reasoning) is { Length: > 0 } thinking)
            {
                WriteReasoning(thinking, output);
            }
        }

        if (delta.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.String
            && Json.JsonStrings.GetStringReplacingInvalid(content) is { Length: > 0 } text)
        {
            WriteText(text, output);
        }

        // Refusals (structured outputs) are shown as text, as in the non-streaming answer.
        if (delta.TryGetProperty("refusal"u8, out var refusal) && refusal.ValueKind == JsonValueKind.String
            && Json.JsonStrings.GetStringReplacingInvalid(refusal) is { Length: > 0 } refusalText)
        {
            WriteText(refusalText, output);
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

    // ---- reasoning item ----------------------------------------------------------------------

    private void WriteReasoning(string text, IBufferWriter<byte> output)
    {
        if (_openReasoning is null)
        {
            CloseMessage(output);
            foreach (var call in _calls)
            {
                CloseCall(call, output);
            }

            var item = new OutputItem(ItemKind.Reasoning, _items.Count, ResponsesWire.NewReasoningId());
            _items.Add(item);
            _openReasoning = item;

            var w = BeginEvent(output, "response.output_item.added");
            w.WriteNumber("output_index"u8, item.OutputIndex);
            w.WritePropertyName("item"u8);
            ResponsesWire.WriteReasoningItem(w, item.Id, text: null);
            EndEvent(output);

            w = BeginEvent(output, "response.reasoning_summary_part.added");
            WriteSummaryAddress(w, item);
            w.WritePropertyName("part"u8);
            ResponsesWire.WriteSummaryTextPart(w, "");
            EndEvent(output);
        }

        _openReasoning.Content.Append(text);
        var d = BeginEvent(output, "response.reasoning_summary_text.delta");
        WriteSummaryAddress(d, _openReasoning);
        d.WriteString("delta"u8, text);
        EndEvent(output);
    }

    private void CloseReasoning(IBufferWriter<byte> output)
    {
        if (_openReasoning is not { } item)
        {
            return;
        }

        _openReasoning = null;
        item.Done = true;
        var text = item.Content.ToString();

        var w = BeginEvent(output, "response.reasoning_summary_text.done");
        WriteSummaryAddress(w, item);
        w.WriteString("text"u8, text);
        EndEvent(output);

        w = BeginEvent(output, "response.reasoning_summary_part.done");
        WriteSummaryAddress(w, item);
        w.WritePropertyName("part"u8);
        ResponsesWire.WriteSummaryTextPart(w, text);
        EndEvent(output);

        w = BeginEvent(output, "response.output_item.done");
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        ResponsesWire.WriteReasoningItem(w, item.Id, text);
        EndEvent(output);
    }

    private static void WriteSummaryAddress(Utf8JsonWriter w, OutputItem item)
    {
        w.WriteString("item_id"u8, item.Id);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WriteNumber("summary_index"u8, 0);
    }

    // ---- message item ------------------------------------------------------------------------

    private void WriteText(string text, IBufferWriter<byte> output)
    {
        if (_openMessage is null)
        {
            CloseReasoning(output);
            foreach (var call in _calls)
            {
                CloseCall(call, output);
            }

            var item = new OutputItem(ItemKind.Message, _items.Count, ResponsesWire.NewMessageId());
            _items.Add(item);
            _openMessage = item;

            var w = BeginEvent(output, "response.output_item.added");
            w.WriteNumber("output_index"u8, item.OutputIndex);
            w.WritePropertyName("item"u8);
            ResponsesWire.WriteMessageItem(w, item.Id, "in_progress", text: null);
            EndEvent(output);

            w = BeginEvent(output, "response.content_part.added");
            WritePartAddress(w, item);
            w.WritePropertyName("part"u8);
            ResponsesWire.WriteOutputTextPart(w, "");
            EndEvent(output);
        }

        _openMessage.Content.Append(text);
        var d = BeginEvent(output, "response.output_text.delta");
        WritePartAddress(d, _openMessage);
        d.WriteString("delta"u8, text);
        d.WriteStartArray("logprobs"u8);
        d.WriteEndArray();
        EndEvent(output);
    }

    private void CloseMessage(IBufferWriter<byte> output, string status = "completed")
    {
        if (_openMessage is not { } item)
        {
            return;
        }

        _openMessage = null;
        item.Done = true;
        var text = item.Content.ToString();

        var w = BeginEvent(output, "response.output_text.done");
        WritePartAddress(w, item);
        w.WriteString("text"u8, text);
        w.WriteStartArray("logprobs"u8);
        w.WriteEndArray();
        EndEvent(output);

        w = BeginEvent(output, "response.content_part.done");
        WritePartAddress(w, item);
        w.WritePropertyName("part"u8);
        ResponsesWire.WriteOutputTextPart(w, text);
        EndEvent(output);

        w = BeginEvent(output, "response.output_item.done");
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        ResponsesWire.WriteMessageItem(w, item.Id, status == "incomplete" ? "incomplete" : "completed", text);
        EndEvent(output);
    }

    private static void WritePartAddress(Utf8JsonWriter w, OutputItem item)
    {
        w.WriteString("item_id"u8, item.Id);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WriteNumber("content_index"u8, 0);
    }

    // ---- tool call items ---------------------------------------------------------------------

    private void OnToolCallDelta(JsonElement call, int position, IBufferWriter<byte> output)
    {
        var chatIndex = call.TryGetProperty("index"u8, out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n : position;
        ToolCall? tool = null;
        foreach (var candidate in _calls)
        {
            if (candidate.ChatIndex == chatIndex)
            {
                tool = candidate;
                break;
            }
        }

        if (tool is null)
        {
            tool = new ToolCall(chatIndex);
            _calls.Add(tool);
        }

        if (tool.UpstreamId is null && OpenAIToAnthropicResponse.StringOrNull(call, "id"u8) is { Length: > 0 } id)
        {
            tool.UpstreamId = id;
        }

        string? arguments = null;
        if (call.TryGetProperty("function"u8, out var function) && function.ValueKind == JsonValueKind.Object)
        {
            if (tool.UpstreamName is null && OpenAIToAnthropicResponse.StringOrNull(function, "name"u8) is { Length: > 0 } name)
            {
                tool.UpstreamName = name;
            }

            arguments = OpenAIToAnthropicResponse.StringOrNull(function, "arguments"u8);
        }

        if (tool.Item is null && tool.UpstreamName is not null)
        {
            CloseReasoning(output);
            CloseMessage(output);
            OpenCall(tool, output);
        }

        if (string.IsNullOrEmpty(arguments))
        {
            return;
        }

        if (tool.Item is { Done: false } item)
        {
            AppendArguments(item, arguments, output);
        }
        else if (tool.Item is not null)
        {
            DroppedArgumentFragments++;
        }
        else
        {
            (tool.Pending ??= new StringBuilder()).Append(arguments);
        }
    }

    private void OpenCall(ToolCall tool, IBufferWriter<byte> output)
    {
        var upstreamName = tool.UpstreamName!;
        var custom = _customTools.Contains(upstreamName);
        var item = new OutputItem(
            custom ? ItemKind.CustomToolCall : ItemKind.FunctionCall,
            _items.Count,
            custom ? ResponsesWire.NewCustomToolCallId() : ResponsesWire.NewFunctionCallId())
        {
            CallId = tool.UpstreamId ?? ResponsesWire.NewCallId(),
            Name = _toolNames.ToClient(upstreamName),
        };
        _items.Add(item);
        tool.Item = item;

        var w = BeginEvent(output, "response.output_item.added");
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        WriteCallItem(w, item, "in_progress", "");
        EndEvent(output);

        if (tool.Pending is { Length: > 0 } pending)
        {
            AppendArguments(item, pending.ToString(), output);
            tool.Pending = null;
        }
    }

    private void AppendArguments(OutputItem item, string fragment, IBufferWriter<byte> output)
    {
        item.Content.Append(fragment);
        if (item.Kind == ItemKind.CustomToolCall)
        {
            return; // JSON arguments, decoded into the free-form input when the call closes.
        }

        var w = BeginEvent(output, "response.function_call_arguments.delta");
        w.WriteString("item_id"u8, item.Id);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WriteString("delta"u8, fragment);
        EndEvent(output);
    }

    private void CloseCall(ToolCall tool, IBufferWriter<byte> output)
    {
        if (tool.Item is not { Done: false } item)
        {
            return;
        }

        item.Done = true;
        Utf8JsonWriter w;
        if (item.Kind == ItemKind.CustomToolCall)
        {
            var input = CustomToolInput.DecodeArguments(item.Content.ToString());
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
        }
        else
        {
            w = BeginEvent(output, "response.function_call_arguments.done");
            w.WriteString("item_id"u8, item.Id);
            w.WriteNumber("output_index"u8, item.OutputIndex);
            w.WriteString("name"u8, item.Name);
            w.WriteString("arguments"u8, item.Content.ToString());
            EndEvent(output);
        }

        w = BeginEvent(output, "response.output_item.done");
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        WriteCallItem(w, item, "completed", item.FinalInput ?? item.Content.ToString());
        EndEvent(output);
    }

    private static void WriteCallItem(Utf8JsonWriter w, OutputItem item, string status, string argumentsOrInput)
    {
        if (item.Kind == ItemKind.CustomToolCall)
        {
            ResponsesWire.WriteCustomToolCallItem(w, item.Id, item.CallId, item.Name, argumentsOrInput);
        }
        else
        {
            ResponsesWire.WriteFunctionCallItem(w, item.Id, status, item.CallId, item.Name, argumentsOrInput);
        }
    }

    // ---- response events ---------------------------------------------------------------------

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
            if (item.Kind == ItemKind.Reasoning)
            {
                ResponsesWire.WriteReasoningItem(w, item.Id, item.Content.ToString());
            }
            else if (item.Kind == ItemKind.Message)
            {
                var itemStatus = item.Done ? (status == "incomplete" ? "incomplete" : "completed") : "in_progress";
                ResponsesWire.WriteMessageItem(w, item.Id, itemStatus, item.Content.ToString());
            }
            else
            {
                WriteCallItem(w, item, item.Done ? "completed" : "in_progress", item.FinalInput ?? item.Content.ToString());
            }
        }

        w.WriteEndArray();
        ResponsesWire.WriteResponseEnd(w, UsageReported && status != "in_progress" ? _usage : null);
        EndEvent(output);
    }

    // ---- framing -----------------------------------------------------------------------------

    private Utf8JsonWriter BeginEvent(IBufferWriter<byte> output, string type) => _events.BeginEvent(output, type);

    private void EndEvent(IBufferWriter<byte> output) => _events.EndEvent(output);
}
