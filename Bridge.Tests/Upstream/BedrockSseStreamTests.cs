using System.Text;
using Bridge.Gateway.Upstream.Aws;

namespace Bridge.Tests.Upstream;

/// <summary>Bedrock's event-stream body read as the Anthropic SSE stream it carries.</summary>
public sealed class BedrockSseStreamTests
{
    private static byte[] Chunk(string anthropicEventJson) => EventStreamMessage.Encode(
        [new(":event-type", "chunk"), new(":content-type", "application/json"), new(":message-type", "event")],
        Encoding.UTF8.GetBytes($$"""{"bytes":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(anthropicEventJson))}}","p":"abcd"}"""));

    private static async Task<string> ReadAllAsync(byte[] body, int readSize = 7)
    {
        // Small reads: messages arrive split at every boundary.
        await using var stream = new BedrockSseStream(new TrickleStream(body, readSize), 1 << 20);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task ChunksBecomeAnthropicEvents_InOrder()
    {
        var start = """{"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":12,"output_tokens":1}}}""";
        var delta = """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}""";
        var stop = """{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":12,"outputTokenCount":3,"invocationLatency":500,"firstByteLatency":200}}""";
        var sse = await ReadAllAsync([.. Chunk(start), .. Chunk(delta), .. Chunk(stop)]);
        Assert.Equal($"event: message_start\ndata: {start}\n\nevent: content_block_delta\ndata: {delta}\n\nevent: message_stop\ndata: {stop}\n\n", sse);
    }

    [Fact]
    public async Task AnException_BecomesAnAnthropicErrorEvent()
    {
        var throttled = EventStreamMessage.Encode(
            [new(":exception-type", "throttlingException"), new(":content-type", "application/json"), new(":message-type", "exception")],
            """{"message":"Too many requests, please wait before trying again."}"""u8);
        var sse = await ReadAllAsync(throttled);
        Assert.StartsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\"", sse);
        Assert.Contains("Too many requests", sse);
    }

    [Fact]
    public async Task ACorruptMessage_IsAnError_NotGarbage()
    {
        var message = Chunk("""{"type":"ping"}""");
        message[^1] ^= 0xFF;
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(message));
        await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(Chunk("""{"type":"ping"}""")[..20]));
    }

    /// <summary>Hands out at most <c>size</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int size) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(size, buffer.Length)], cancellationToken);
    }
}
