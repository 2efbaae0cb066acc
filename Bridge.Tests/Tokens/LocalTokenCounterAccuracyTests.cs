using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Tokens;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Xunit.Abstractions;

namespace Bridge.Tests.Tokens;

/// <summary>
/// LocalTokenCounter (counts the Anthropic body directly) against the reference (OpenAI's recipe
/// applied to what AnthropicToOpenAIRequest actually produces), over every recorded request and
/// the crafted ones. Both use the same tokenizer, so a difference means the local counter models
/// the translated request wrongly.
/// </summary>
public sealed class LocalTokenCounterAccuracyTests(ITestOutputHelper output)
{
    private const double Tolerance = 0.05;

    public static TheoryData<string> Models => new() { "gpt-4o", "gpt-5.2-chat" };

    [Theory]
    [MemberData(nameof(Models))]
    public void CountAnthropicRequest_FixturesAndCraftedRequests_WithinFivePercentOfReference(string model)
    {
        var cases = Fixtures.AnthropicRequestBodies().Concat(CraftedRequests.All()).ToList();
        Assert.True(cases.Count >= 20, $"expected the recorded fixtures plus crafted requests, found {cases.Count}");

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"model {model} ({TokenizerCatalog.EncodingName(model)})");
        table.AppendLine(CultureInfo.InvariantCulture, $"{"request",-48} {"local",8} {"reference",10} {"error %",8}");
        var failures = new List<string>();
        var maxError = 0.0;
        foreach (var (name, body) in cases)
        {
            var reference = Reference(body, model);
            var local = LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(body), model);
            var error = Math.Abs(local - reference) / (double)reference;
            maxError = Math.Max(maxError, error);
            table.AppendLine(CultureInfo.InvariantCulture, $"{name,-48} {local,8} {reference,10} {error * 100,8:F2}");
            if (error > Tolerance)
            {
                failures.Add($"{name}: local {local}, reference {reference} ({error:P2})");
            }
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"max error {maxError * 100:F2} %");
        output.WriteLine(table.ToString());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Reference count of the request the translator sends upstream for <paramref name="body"/>.</summary>
    internal static int Reference(JsonElement body, string model)
    {
        var translated = Translate(body, model);
        using var document = JsonDocument.Parse(translated);
        return ReferenceOpenAITokenCounter.Count(document.RootElement, TokenizerCatalog.For(model), model);
    }

    internal static byte[] Translate(JsonElement body, string model)
    {
        // count_tokens bodies carry no max_tokens, which the translator requires: add one.
        if (!body.TryGetProperty("max_tokens", out _))
        {
            var node = JsonNode.Parse(body.GetRawText())!.AsObject();
            node["max_tokens"] = 1;
            body = CraftedRequests.Parse(node);
        }

        var target = new OpenAITarget
        {
            Model = model,
            DropParams = true,
            IsReasoningModel = OpenAITarget.LooksLikeReasoningModel(model),
        };
        var buffer = new ArrayBufferWriter<byte>();
        var result = AnthropicToOpenAIRequest.Translate(TestTapes.Of(body), target, buffer);
        Assert.True(result.Ok, result.ErrorMessage);
        return buffer.WrittenSpan.ToArray();
    }
}
