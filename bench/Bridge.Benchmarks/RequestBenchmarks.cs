using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Bridge.Bench;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Json;
using Bridge.Gateway.Validation;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.OpenAIToAnthropic;

namespace Bridge.Benchmarks;

/// <summary>
/// Request translation in both directions, parse included (the gateway parses the body once and
/// translates the parsed tape). MessagesToChat_* is an Anthropic request for an OpenAI upstream
/// (AnthropicToOpenAIRequest); ChatToMessages_* an OpenAI request for an Anthropic upstream
/// (ChatRequestToMessages). Inputs: a small request, and the ~150 KB Claude Code request
/// (for the reverse direction, its OpenAI translation).
/// </summary>
[MemoryDiagnoser]
public class RequestBenchmarks
{
    private static readonly OpenAITarget OpenAI = new() { Model = BenchFixtures.UpstreamModel };
    private static readonly AnthropicTarget Anthropic = new() { Model = BenchFixtures.AnthropicModel };
    private readonly PooledBufferWriter _output = new(256 * 1024);
    private byte[] _smallMessages = [];
    private byte[] _claudeCodeMessages = [];
    private JsonTape _claudeCodeParsed = null!;
    private byte[] _smallChat = [];
    private byte[] _claudeCodeChat = [];

    [GlobalSetup]
    public void Setup()
    {
        _smallMessages = BenchFixtures.SmallMessagesRequest(stream: false);
        _claudeCodeMessages = BenchFixtures.ClaudeCodeMessagesRequest(stream: true);
        _claudeCodeParsed = JsonTape.Parse(_claudeCodeMessages);
        _smallChat = BenchFixtures.SmallChatRequest();
        var result = AnthropicToOpenAIRequest.Translate(_claudeCodeParsed.Root, OpenAI, _output);
        if (!result.Ok) throw new InvalidOperationException(result.ErrorMessage);
        _claudeCodeChat = _output.WrittenSpan.ToArray();
        _output.Clear();
        Console.WriteLine($"// Claude Code request: {_claudeCodeMessages.Length} bytes Anthropic, {_claudeCodeChat.Length} bytes as OpenAI");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _claudeCodeParsed.Dispose();
        _output.Dispose();
    }

    [Benchmark]
    public int MessagesToChat_Small() => MessagesToChat(_smallMessages);

    [Benchmark]
    public int MessagesToChat_ClaudeCode150KB() => MessagesToChat(_claudeCodeMessages);

    [Benchmark]
    public int MessagesToChat_ClaudeCode150KB_PreParsed()
    {
        _output.Clear();
        AnthropicToOpenAIRequest.Translate(_claudeCodeParsed.Root, OpenAI, _output);
        return _output.WrittenCount;
    }

    /// <summary>What the gateway did with the body before issue 15: a JsonDocument (still used for answers).</summary>
    [Benchmark]
    public int Parse_JsonDocument_ClaudeCode150KB()
    {
        using var document = JsonDocument.Parse(_claudeCodeMessages);
        return document.RootElement.GetPropertyCount();
    }

    /// <summary>What it does now: the token index, strings left escaped, and the text check (UTF-8, lone surrogates) on the way.</summary>
    [Benchmark]
    public int Parse_JsonTape_ClaudeCode150KB()
    {
        using var tape = JsonTape.Parse(_claudeCodeMessages);
        return tape.IsText == true ? tape.Root.GetPropertyCount() : -1;
    }

    /// <summary>The whole-body text check that ran after every parse before the scanner took it over (still the path for reader-built tapes).</summary>
    [Benchmark]
    public bool TextCheck_WholeBody_ClaudeCode150KB() => Utf8Check.IsText(_claudeCodeMessages);

    [Benchmark]
    public int ChatToMessages_Small() => ChatToMessages(_smallChat);

    [Benchmark]
    public int ChatToMessages_ClaudeCode150KB() => ChatToMessages(_claudeCodeChat);

    private int MessagesToChat(byte[] body)
    {
        _output.Clear();
        using var tape = JsonTape.Parse(body);
        AnthropicToOpenAIRequest.Translate(tape.Root, OpenAI, _output);
        return _output.WrittenCount;
    }

    private int ChatToMessages(byte[] body)
    {
        _output.Clear();
        using var tape = JsonTape.Parse(body);
        ChatRequestToMessages.Translate(tape.Root, Anthropic, _output);
        return _output.WrittenCount;
    }
}
