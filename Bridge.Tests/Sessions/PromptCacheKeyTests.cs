using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Gateway.Translation.ChatToResponses;
using Bridge.Gateway.Translation.OpenAIToOpenAI;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Sessions;

/// <summary>
/// Every translator that writes an OpenAI-format body (Chat Completions or Responses) sends the session's
/// <c>prompt_cache_key</c>, unless the client sent its own or the deployment drops the parameter.
/// </summary>
public sealed class PromptCacheKeyTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";
    private static readonly byte[] SignatureKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private const string Anthropic = """{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""";
    private const string Chat = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";
    private const string Responses = """{"model":"m","input":"hi"}""";

    public static TheoryData<string> Translators => new() { "anthropic->chat", "anthropic->responses", "chat->chat", "chat->responses", "responses->chat" };

    private static JsonElement Run(string translator, string? clientKey, OpenAITarget target)
    {
        var buffer = new ArrayBufferWriter<byte>();
        string Body(string json) => clientKey is null ? json : json[..^1] + $$""","prompt_cache_key":"{{clientKey}}"}""";
        var ok = translator switch
        {
            "anthropic->chat" => AnthropicToOpenAIRequest.Translate(TestTapes.Of(Body(Anthropic)), target, buffer).Ok,
            "anthropic->responses" => AnthropicToResponsesRequest.Translate(TestTapes.Of(Fixtures.Parse(Body(Anthropic))), target, SignatureKey, buffer).Ok,
            "chat->chat" => ChatRequestFilter.Apply(TestTapes.Of(Fixtures.Parse(Body(Chat))), target, buffer).Ok,
            "chat->responses" => ChatToResponsesRequest.Translate(TestTapes.Of(Fixtures.Parse(Body(Chat))), target, buffer).Ok,
            "responses->chat" => ResponsesToChatRequest.Translate(TestTapes.Of(Fixtures.Parse(Body(Responses))), target, buffer).Ok,
            _ => throw new ArgumentOutOfRangeException(nameof(translator)),
        };
        Assert.True(ok, translator);
        return Fixtures.Parse(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static int Count(JsonElement body, string name) => body.EnumerateObject().Count(p => p.Name == name);

    [Theory]
    [MemberData(nameof(Translators))]
    public void TheSessionsKey_IsSent(string translator)
    {
        var body = Run(translator, null, new OpenAITarget { Model = "gpt-4o", PromptCacheKey = Key });
        Assert.Equal(Key, body.GetProperty("prompt_cache_key").GetString());
        Assert.Equal(1, Count(body, "prompt_cache_key"));
    }

    [Theory]
    [MemberData(nameof(Translators))]
    public void TheClientsOwnKey_Wins(string translator)
    {
        if (translator.StartsWith("anthropic", StringComparison.Ordinal)) return; // Anthropic's API has no such parameter
        var body = Run(translator, "client-key", new OpenAITarget { Model = "gpt-4o", PromptCacheKey = Key });
        Assert.Equal("client-key", body.GetProperty("prompt_cache_key").GetString());
        Assert.Equal(1, Count(body, "prompt_cache_key"));
    }

    [Theory]
    [MemberData(nameof(Translators))]
    public void NoSession_NoKey_AndADroppedParameterIsNeverSent(string translator)
    {
        Assert.False(Run(translator, null, new OpenAITarget { Model = "gpt-4o" }).TryGetProperty("prompt_cache_key", out _));
        var dropped = new OpenAITarget { Model = "gpt-4o", PromptCacheKey = Key, AdditionalDropParams = ["prompt_cache_key"] };
        Assert.False(Run(translator, null, dropped).TryGetProperty("prompt_cache_key", out _));
    }
}
