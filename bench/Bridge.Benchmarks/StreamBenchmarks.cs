using BenchmarkDotNet.Attributes;
using Bridge.Bench;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.OpenAIToAnthropic;

namespace Bridge.Benchmarks;

/// <summary>
/// The stream translators, per chunk, in steady state: the message and a text block are already
/// open, so each call is one text delta in and one client event out.
/// </summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    private readonly PooledBufferWriter _output = new(16 * 1024);
    private OpenAIToAnthropicStream _toAnthropic = null!;
    private MessagesStreamToChat _toChat = null!;

    [GlobalSetup]
    public void Setup()
    {
        _toAnthropic = new OpenAIToAnthropicStream(BenchFixtures.AnthropicModel, ToolNameMap.Empty, [], 25);
        _toAnthropic.WriteStart(_output);
        _toAnthropic.OnChunk(BenchFixtures.ChatChunkRole, _output);
        _toAnthropic.OnChunk(BenchFixtures.ChatChunkText, _output);
        _toChat = new MessagesStreamToChat(BenchFixtures.UpstreamModel, includeUsage: true);
        _toChat.OnEvent("message_start", BenchFixtures.MessageStart, _output);
        _toChat.OnEvent("content_block_start", BenchFixtures.TextBlockStart, _output);
        _toChat.OnEvent("content_block_delta", BenchFixtures.TextDelta, _output);
        _output.Clear();
    }

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark]
    public int OpenAIToAnthropicStream_OnChunk_TextDelta()
    {
        _output.Clear();
        _toAnthropic.OnChunk(BenchFixtures.ChatChunkText, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int MessagesStreamToChat_OnEvent_TextDelta()
    {
        _output.Clear();
        _toChat.OnEvent("content_block_delta", BenchFixtures.TextDelta, _output);
        return _output.WrittenCount;
    }
}
