using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.OpenAIToOpenAI;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Translation.OpenAIToOpenAI;

/// <summary>A Responses request forwarded to a Responses deployment: the deployment's filtering, and the gateway's own state.</summary>
public sealed class ResponsesRequestFilterTests
{
    private static JsonNode Filter(string body, OpenAITarget target, bool gatewayStores = false)
    {
        using var document = JsonDocument.Parse(body);
        var output = new ArrayBufferWriter<byte>();
        ResponsesRequestFilter.Apply(TestTapes.Of(document.RootElement), target, gatewayStores, output);
        return JsonNode.Parse(output.WrittenSpan)!;
    }

    private static readonly OpenAITarget Gpt55 = new() { Model = "gpt-5.5-prod", IsReasoningModel = true };
    private static readonly OpenAITarget Gpt41 = new() { Model = "gpt-4.1", IsReasoningModel = false };

    [Fact]
    public void RecordedCodexRequest_ChangesOnlyItsModel()
    {
        var recorded = Fixtures.CodexRequest("codex-tool-result");
        var sent = Filter(recorded.GetRawText(), Gpt55);
        var expected = JsonNode.Parse(recorded.GetRawText())!;
        expected["model"] = "gpt-5.5-prod";
        Assert.True(JsonNode.DeepEquals(expected, sent));
    }

    [Fact]
    public void DeploymentSettings_DropAndCap()
    {
        var target = Gpt55 with { AdditionalDropParams = ["user", "metadata"], MaxOutputTokens = 1000, DropParams = true };
        var sent = Filter("""{"model":"m","input":"hi","user":"u1","metadata":{"a":"b"},"max_output_tokens":5000,"temperature":0.2,"top_p":0.9,"reasoning":{"effort":"high"}}""", target);
        Assert.Null(sent["user"]);
        Assert.Null(sent["metadata"]);
        Assert.Equal(1000, (int)sent["max_output_tokens"]!);
        // A reasoning model rejects sampling settings; it keeps its reasoning.
        Assert.Null(sent["temperature"]);
        Assert.Null(sent["top_p"]);
        Assert.Equal("high", (string?)sent["reasoning"]!["effort"]);

        var plain = Filter("""{"model":"m","input":"hi","max_output_tokens":50,"temperature":0.2,"reasoning":{"effort":"high"}}""", Gpt41 with { DropParams = true, MaxOutputTokens = 1000 });
        Assert.Equal(50, (int)plain["max_output_tokens"]!);
        Assert.Equal(0.2, (double)plain["temperature"]!);
        Assert.Null(plain["reasoning"]);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"hi"}""")]
    [InlineData("""{"model":"m","input":"hi","store":true,"include":["message.output_text.logprobs"]}""")]
    public void GatewayStoring_AsksTheUpstreamToKeepNothing_AndForSealedReasoning(string body)
    {
        var sent = Filter(body, Gpt55, gatewayStores: true);
        Assert.False((bool)sent["store"]!);
        var include = sent["include"]!.AsArray().Select(x => (string?)x).ToArray();
        Assert.Contains("reasoning.encrypted_content", include);
        Assert.Equal(include.Length, include.Distinct().Count());
        if (body.Contains("logprobs", StringComparison.Ordinal)) Assert.Contains("message.output_text.logprobs", include);

        // A model without reasoning would refuse the include.
        var plain = Filter(body, Gpt41, gatewayStores: true);
        Assert.False((bool)plain["store"]!);
        Assert.DoesNotContain("reasoning.encrypted_content", plain["include"]?.ToJsonString() ?? "");
    }

    [Fact]
    public void SessionCacheKey_IsSent_UnlessTheClientChoseOne()
    {
        var target = Gpt55 with { PromptCacheKey = "0123456789abcdef0123456789abcdef" };
        Assert.Equal("0123456789abcdef0123456789abcdef", (string?)Filter("""{"model":"m","input":"hi"}""", target)["prompt_cache_key"]);
        Assert.Equal("mine", (string?)Filter("""{"model":"m","input":"hi","prompt_cache_key":"mine"}""", target)["prompt_cache_key"]);
        Assert.Null(Filter("""{"model":"m","input":"hi"}""", target with { AdditionalDropParams = ["prompt_cache_key"] })["prompt_cache_key"]);
    }
}
