using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAI;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// Anthropic Messages SSE events -> OpenAI chat completion chunks (<c>data: {json}\n\n</c>).
/// One instance per response; not thread-safe. Every call writes whole frames, so the caller can
/// flush after each call.
/// <para>Pump: <see cref="OnEvent"/> for every upstream event, in order. After it returns with
/// <see cref="Completed"/> true (at <c>message_stop</c>), call <see cref="WriteDone"/>. When it
/// returns false the upstream sent an <c>error</c> event (<see cref="UpstreamErrorType"/>,
/// <see cref="UpstreamErrorMessage"/>): call <see cref="WriteError"/> and end the response without
/// <c>[DONE]</c>. When the upstream ends (or breaks) before <c>message_stop</c>, call
/// <see cref="WriteError"/> too.</para>
/// <para>Chunks: the first carries <c>delta.role: "assistant"</c> (sent at <c>message_start</c>);
/// <c>text_delta</c> -> <c>delta.content</c>; <c>thinking_delta</c> -> <c>delta.reasoning_content</c>
/// (signatures dropped); a <c>tool_use</c> block start -> a <c>tool_calls</c> entry with its own
/// <c>index</c> (counting tool calls only), <c>id</c>, <c>type</c>, <c>function.name</c> and empty
/// <c>arguments</c>; each non-empty <c>input_json_delta</c> -> <c>{index, function: {arguments}}</c>,
/// routed by the content block it belongs to. <c>message_stop</c> -> a chunk with an empty delta and
/// the <c>finish_reason</c>, then (when usage was requested) a chunk with <c>choices: []</c> and
/// <c>usage</c>. <c>ping</c>, <c>content_block_stop</c>, <c>signature_delta</c>, server tool blocks
/// and unknown events write nothing.</para>
/// </summary>
public sealed class MessagesStreamToChat
{
    private const int NotATool = -1;

    private readonly string _requestedModel;
    private readonly bool _includeUsage;
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private readonly List<int> _toolIndexByBlock = [];
    private Utf8JsonWriter? _writer;
    private bool _roleSent;
    private int _toolCalls;
    private string? _stopReason;
    private AnthropicUsage _usage;

    public MessagesStreamToChat(string requestedModel, bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        _requestedModel = requestedModel;
        _includeUsage = includeUsage;
    }

    /// <summary>A chunk has been written (the first carries the role): there is something to send.</summary>
    public bool RoleSent => _roleSent;

    /// <summary>The <c>chatcmpl-</c> id shared by every chunk.</summary>
    public string Id { get; } = AnthropicIds.NewChatCompletionId();

    /// <summary><c>message_stop</c> was translated (or an error was written); later events write nothing.</summary>
    public bool Completed { get; private set; }

    /// <summary>The <c>finish_reason</c> sent in the final chunk (null until then).</summary>
    public string? FinishReason { get; private set; }

    /// <summary>Input plus cache read and cache creation tokens.</summary>
    public int PromptTokens => _usage.PromptTokens;

    public int CompletionTokens => _usage.OutputTokens;

    public int CachedTokens => _usage.CacheReadTokens;

    /// <summary>Tokens written to the prompt cache (inside <see cref="PromptTokens"/>; OpenAI's usage has no field for them).</summary>
    public int CacheCreationTokens => _usage.CacheCreationTokens;

    /// <summary>The final usage (<c>message_delta</c>) arrived; before it the output count is a placeholder.</summary>
    public bool FinalUsageSeen { get; private set; }

    /// <summary>Number of tool calls announced so far.</summary>
    public int ToolCalls => _toolCalls;

    /// <summary>Anthropic error type of an upstream <c>error</c> event (e.g. <c>overloaded_error</c>), or of unreadable data (<c>api_error</c>).</summary>
    public string? UpstreamErrorType { get; private set; }

    public string? UpstreamErrorMessage { get; private set; }

    /// <summary>
    /// Translates one upstream event (<paramref name="eventType"/> from the <c>event:</c> line,
    /// <paramref name="data"/> the JSON of its <c>data:</c> line). Returns false, writing nothing,
    /// for an <c>error</c> event or data that is not a JSON object.
    /// </summary>
    public bool OnEvent(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(output);
        if (Completed)
        {
            return true;
        }

        switch (eventType)
        {
            case "ping" or "content_block_stop":
                return true;
            case "message_stop":
                WriteFinish(output);
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
                        MessagesResponseToChat.StringOrNull(error, "type"u8) ?? "api_error",
                        MessagesResponseToChat.StringOrNull(error, "message"u8) ?? "upstream stream failed");
                case "message_start":
                    if (root.TryGetProperty("message"u8, out var message) && message.ValueKind == JsonValueKind.Object
                        && message.TryGetProperty("usage"u8, out var startUsage))
                    {
                        _usage.Update(startUsage);
                    }

                    EnsureRole(output);
                    break;
                case "content_block_start":
                    OnBlockStart(root, output);
                    break;
                case "content_block_delta":
                    OnBlockDelta(root, output);
                    break;
                case "message_delta":
                    if (root.TryGetProperty("delta"u8, out var delta) && delta.ValueKind == JsonValueKind.Object
                        && MessagesResponseToChat.StringOrNull(delta, "stop_reason"u8) is { } stopReason)
                    {
                        _stopReason = stopReason;
                    }

                    if (root.TryGetProperty("usage"u8, out var usage))
                    {
                        _usage.Update(usage);
                        FinalUsageSeen = true;
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>Writes <c>data: [DONE]\n\n</c>.</summary>
    public void WriteDone(IBufferWriter<byte> output) => OpenAISse.WriteDone(output);

    /// <summary>
    /// An in-stream error as OpenAI-compatible servers (vLLM, LiteLLM) send it:
    /// <c>data: {"error":{"message","type","param":null,"code":null}}\n\n</c>. The OpenAI SDKs raise an
    /// API error when they read it. Marks the stream <see cref="Completed"/>; send no <c>[DONE]</c> after it.
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

    private bool Fail(string type, string message)
    {
        UpstreamErrorType = type;
        UpstreamErrorMessage = message;
        return false;
    }

    private void OnBlockStart(JsonElement root, IBufferWriter<byte> output)
    {
        if (!TryBlockIndex(root, out var blockIndex)
            || !root.TryGetProperty("content_block"u8, out var block) || block.ValueKind != JsonValueKind.Object
            || !block.TryGetProperty("type"u8, out var type))
        {
            return;
        }

        while (_toolIndexByBlock.Count <= blockIndex)
        {
            _toolIndexByBlock.Add(NotATool);
        }

        if (type.ValueEquals("tool_use"u8))
        {
            var toolIndex = _toolCalls++;
            _toolIndexByBlock[blockIndex] = toolIndex;
            var w = BeginChunk(output);
            w.WriteStartArray("tool_calls"u8);
            w.WriteStartObject();
            w.WriteNumber("index"u8, toolIndex);
            w.WriteString("id"u8, MessagesResponseToChat.StringOrNull(block, "id"u8) ?? AnthropicIds.NewToolUseId());
            w.WriteString("type"u8, "function"u8);
            w.WriteStartObject("function"u8);
            w.WriteString("name"u8, MessagesResponseToChat.StringOrNull(block, "name"u8) ?? "");
            w.WriteString("arguments"u8, ""u8);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            EndChunk(output, finishReason: null);
        }
        else if (type.ValueEquals("text"u8))
        {
            WriteTextDelta(block, "text"u8, "content"u8, output);
        }
        else if (type.ValueEquals("thinking"u8))
        {
            WriteTextDelta(block, "thinking"u8, "reasoning_content"u8, output);
        }
    }

    private void OnBlockDelta(JsonElement root, IBufferWriter<byte> output)
    {
        if (!TryBlockIndex(root, out var blockIndex)
            || !root.TryGetProperty("delta"u8, out var delta) || delta.ValueKind != JsonValueKind.Object
            || !delta.TryGetProperty("type"u8, out var type))
        {
            return;
        }

        if (type.ValueEquals("text_delta"u8))
        {
            WriteTextDelta(delta, "text"u8, "content"u8, output);
        }
        else if (type.ValueEquals("thinking_delta"u8))
        {
            WriteTextDelta(delta, "thinking"u8, "reasoning_content"u8, output);
        }
        else if (type.ValueEquals("input_json_delta"u8))
        {
            var toolIndex = blockIndex < _toolIndexByBlock.Count ? _toolIndexByBlock[blockIndex] : NotATool;
            if (toolIndex == NotATool
                || !delta.TryGetProperty("partial_json"u8, out var partial) || partial.ValueKind != JsonValueKind.String
                || partial.ValueEquals(""u8))
            {
                return;
            }

            var w = BeginChunk(output);
            w.WriteStartArray("tool_calls"u8);
            w.WriteStartObject();
            w.WriteNumber("index"u8, toolIndex);
            w.WriteStartObject("function"u8);
            w.WritePropertyName("arguments"u8);
            w.WriteRawValue(JsonMarshal.GetRawUtf8Value(partial), skipInputValidation: true);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            EndChunk(output, finishReason: null);
        }
    }

    /// <summary>Writes <c>delta.{target}</c> from the string <c>{field}</c> of <paramref name="source"/>, unless empty.</summary>
    private void WriteTextDelta(JsonElement source, ReadOnlySpan<byte> field, ReadOnlySpan<byte> target, IBufferWriter<byte> output)
    {
        if (!source.TryGetProperty(field, out var text) || text.ValueKind != JsonValueKind.String || text.ValueEquals(""u8))
        {
            return;
        }

        var w = BeginChunk(output);
        w.WritePropertyName(target);
        w.WriteRawValue(JsonMarshal.GetRawUtf8Value(text), skipInputValidation: true);
        EndChunk(output, finishReason: null);
    }

    private static bool TryBlockIndex(JsonElement root, out int index)
    {
        index = -1;
        return root.TryGetProperty("index"u8, out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out index)
            && index is >= 0 and < 100_000;
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

    private void WriteFinish(IBufferWriter<byte> output)
    {
        FinishReason = FinishReasons.FromStopReason(_stopReason);
        BeginChunk(output);
        EndChunk(output, FinishReason);
        if (_includeUsage)
        {
            var w = BeginFrame(output);
            w.WriteStartArray("choices"u8);
            w.WriteEndArray();
            _usage.Write(w);
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
