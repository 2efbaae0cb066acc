using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Bridge.Bench;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.OpenAIToAnthropic;

namespace Bridge.Benchmarks;

/// <summary>
/// Non-streaming response translation, parse included: ChatResponseToMessages_* is an OpenAI chat
/// completion translated for an Anthropic client (OpenAIToAnthropicResponse); MessagesResponseToChat_*
/// an Anthropic message translated for an OpenAI client (MessagesResponseToChat).
/// </summary>
[MemoryDiagnoser]
public class ResponseBenchmarks
{
    private readonly PooledBufferWriter _output = new(16 * 1024);
    private readonly IReadOnlyList<string> _noStops = [];

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark]
    public int ChatResponseToMessages_Text() => ChatToMessages(BenchFixtures.ChatCompletionText);

    [Benchmark]
    public int ChatResponseToMessages_ToolCall() => ChatToMessages(BenchFixtures.ChatCompletionToolCall);

    [Benchmark]
    public int MessagesResponseToChat_Text()
    {
        _output.Clear();
        using var document = JsonDocument.Parse(BenchFixtures.MessageText);
        MessagesResponseToChat.Translate(document.RootElement, BenchFixtures.UpstreamModel, _output);
        return _output.WrittenCount;
    }

    private int ChatToMessages(byte[] body)
    {
        _output.Clear();
        using var document = JsonDocument.Parse(body);
        OpenAIToAnthropicResponse.Translate(document.RootElement, BenchFixtures.AnthropicModel, ToolNameMap.Empty, _noStops, _output);
        return _output.WrittenCount;
    }
}
