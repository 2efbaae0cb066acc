using System.Buffers;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Protocols.OpenAIResponses;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// A Responses event stream relayed unchanged, event by event (so the relay can send keep-alives and read the first
/// event before committing). Only the terminal events are parsed: for usage, status, or the upstream's error.
/// </summary>
internal sealed class ResponsesPassthroughStream : IStreamTranslator
{
    private bool _ready;
    private bool _finished;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        var type = eventType is "" or "message" ? TypeOf(data) : eventType;
        switch (type)
        {
            case ResponsesEventTypes.Error:
            case ResponsesEventTypes.Failed:
                ReadError(type, data);
                return StreamStep.UpstreamError;
            case ResponsesEventTypes.Completed or ResponsesEventTypes.Incomplete:
                ReadEnd(data);
                _finished = true;
                break;
        }
        if (eventType is not ("" or "message"))
        {
            output.Write("event: "u8);
            Encoding.UTF8.GetBytes(eventType, output);
            output.Write("\n"u8);
        }
        output.Write("data: "u8);
        output.Write(data);
        output.Write("\n\n"u8);
        _ready = true;
        return _finished ? StreamStep.Done : StreamStep.Continue;
    }

    public bool ReadyToCommit => _ready;

    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output) => _finished;

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output)
    {
        output.Write("event: error\ndata: "u8);
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteString("code"u8, ResponsesClient.ErrorCode(kind));
        writer.WriteString("message"u8, message);
        writer.WriteNull("param"u8);
        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n\n"u8);
    }

    public void WritePing(IBufferWriter<byte> output) => output.Write(": ping\n\n"u8);

    public int? ErrorStatus { get; private set; }
    public string? ErrorMessage { get; private set; }
    public TokenUsage? Usage { get; private set; }
    public bool UsageFinal => _finished;
    public string? FinishReason { get; private set; }

    private static string? TypeOf(ReadOnlySpan<byte> data)
    {
        try
        {
            return JsonShape.TypeOf(data);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void ReadError(string type, ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var document = JsonDocument.ParseValue(ref reader);
            if (type == ResponsesEventTypes.Error)
            {
                (ErrorMessage, ErrorStatus) = ResponsesErrors.ReadErrorEvent(document.RootElement);
            }
            else if (document.RootElement.TryGetProperty("response"u8, out var response) && ResponsesErrors.TryReadBody(response, out var message, out var status))
            {
                (ErrorMessage, ErrorStatus) = (message, status);
            }
            else
            {
                ErrorMessage = ResponsesErrors.DefaultMessage;
            }
        }
        catch (JsonException)
        {
            ErrorMessage = "upstream sent an unreadable error event";
        }
    }

    private void ReadEnd(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var document = JsonDocument.ParseValue(ref reader);
            if (!document.RootElement.TryGetProperty("response"u8, out var response)) return;
            if (ResponsesUsage.TryRead(response, out var usage)) Usage = new TokenUsage(usage.UncachedInputTokens, usage.OutputTokens, usage.CachedTokens);
            if (response.TryGetProperty("status"u8, out var status) && status.ValueKind == JsonValueKind.String) FinishReason = status.GetString();
        }
        catch (JsonException)
        {
        }
    }
}
