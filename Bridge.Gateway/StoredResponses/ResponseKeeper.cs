using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Relay;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.StoredResponses;

/// <summary>
/// Stores one Responses request's answer once it is complete, before the client sees its end: a client that continues
/// the conversation as soon as it has read <c>response.completed</c> finds it stored, on any replica. Created per
/// request by <see cref="StoredResponsesStep"/>; the relay hands it the finished response.
/// </summary>
public sealed class ResponseKeeper(StoredResponseStore store, GatewayTelemetry telemetry, ILogger logger, string owner, string chain, byte[] ownInput)
{
    /// <summary>Wraps a stream translator so the stream's ending waits for the answer to be stored.</summary>
    public KeptEndingStream Wrap(IStreamTranslator inner) => new(inner, this);

    /// <summary>Stores a whole response object (a non-streaming answer).</summary>
    public async Task KeepAsync(ReadOnlyMemory<byte> responseObject)
    {
        try
        {
            using var document = JsonDocument.Parse(responseObject);
            await KeepAsync(document.RootElement);
        }
        catch (JsonException)
        {
            // Not a response object: there is nothing to keep.
        }
    }

    /// <summary>Stores the response carried by the terminal event among <paramref name="events"/> (SSE text), if any.</summary>
    public async Task KeepFromEventsAsync(ReadOnlyMemory<byte> events)
    {
        var rest = events;
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (!line.Span.StartsWith("data:"u8)) continue;
            var data = line[5..];
            if (!data.IsEmpty && data.Span[0] == (byte)' ') data = data[1..];
            if (!IsTerminal(data.Span)) continue;
            try
            {
                using var document = JsonDocument.Parse(data);
                if (document.RootElement.TryGetProperty("response"u8, out var response)) await KeepAsync(response);
            }
            catch (JsonException)
            {
            }
            return;
        }
    }

    private async Task KeepAsync(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object
            || !response.TryGetProperty("id"u8, out var idValue) || idValue.ValueKind != JsonValueKind.String
            || idValue.GetString() is not { Length: > 0 and <= StoredResponseStore.MaxIdLength } id) return;
        // A failed or cancelled answer has nothing to continue from.
        if (!response.TryGetProperty("status"u8, out var status) || !(status.ValueEquals("completed"u8) || status.ValueEquals("incomplete"u8))) return;

        var record = new StoredResponse(id, owner, chain, ownInput, OutputItems(response), JsonMarshal.GetRawUtf8Value(response).ToArray());
        if (await store.SaveAsync(record)) return;
        telemetry.StoredResponseFailures.Add(1);
        GatewayLog.StoredResponseLost(logger, id);
    }

    /// <summary>
    /// The answer's output items as the next turn will send them back. A reasoning item without its encrypted content
    /// is left out: with nothing stored upstream, no provider could resolve it.
    /// </summary>
    private static byte[] OutputItems(JsonElement response)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartArray();
        if (response.TryGetProperty("output"u8, out var output) && output.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in output.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) continue;
                if (item.TryGetProperty("type"u8, out var type) && type.ValueEquals("reasoning"u8)
                    && !(item.TryGetProperty("encrypted_content"u8, out var sealedReasoning) && sealedReasoning.ValueKind == JsonValueKind.String)) continue;
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(item), skipInputValidation: true);
            }
        }
        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Whether an event's JSON is <c>response.completed</c> or <c>response.incomplete</c>.</summary>
    private static bool IsTerminal(ReadOnlySpan<byte> data)
    {
        try
        {
            return JsonShape.TypeOf(data) is "response.completed" or "response.incomplete";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
