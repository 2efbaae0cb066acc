using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.JsonTapes;

/// <summary>
/// Old against new, byte for byte: every recorded Anthropic request (Claude Code, the SDKs, count_tokens bodies that
/// fail translation, and the benchmark's 150 KB request) through the request translators, for four Chat Completions
/// targets and two Responses targets, must give the output the JsonDocument-based translators gave before they read
/// <see cref="JsonTape"/>. Those outputs were hashed once, by running the translators of commit 670714e
/// (<c>Fixtures/differential/anthropic-request-translations.json</c>); the hash covers the body and the result's
/// fields (ok, error, stream, model, dropped tools and parameters, stop sequences).
/// </summary>
public sealed class DifferentialTranslationTests
{
    private static readonly byte[] SignatureKey = Enumerable.Repeat((byte)7, 32).ToArray();

    private static readonly Dictionary<string, OpenAITarget> Targets = BuildTargets();

    private static Dictionary<string, OpenAITarget> BuildTargets()
    {
        using var defaults = JsonDocument.Parse("""{"seed":7,"user":"u-default","parallel_tool_calls":false}""");
        var defaultParams = defaults.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        return new Dictionary<string, OpenAITarget>(StringComparer.Ordinal)
        {
            ["gpt-4o"] = new() { Model = "gpt-4o" },
            ["gpt-5-capped"] = new() { Model = "gpt-5-mini", IsReasoningModel = true, MaxOutputTokens = 16000 },
            ["drop-params"] = new() { Model = "gpt-4o", DropParams = true },
            ["tuned"] = new()
            {
                Model = "gpt-4o", PromptCacheKey = "pck-1", AdditionalDropParams = ["metadata", "temperature"], DefaultParams = defaultParams,
                IncludeStreamUsage = false,
            },
        };
    }

    public static IEnumerable<object[]> Cases()
    {
        using var file = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "differential", "anthropic-request-translations.json")));
        foreach (var c in file.RootElement.GetProperty("cases").EnumerateArray())
        {
            yield return [c.GetProperty("pair").GetString()!, c.GetProperty("request").GetString()!, c.GetProperty("target").GetString()!,
                c.GetProperty("bytes").GetInt32(), c.GetProperty("sha256").GetString()!];
        }
    }

    [Fact]
    public void EveryRecordedRequest_IsCovered()
    {
        var covered = Cases().Select(c => (string)c[1]).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in Fixtures.AnthropicRequestBodies())
        {
            Assert.Contains(name.Replace(" (count_tokens)", "", StringComparison.Ordinal), covered);
        }

        Assert.Contains("bench/claude-code-150k", covered);
        Assert.Equal(132, Cases().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translation_IsByteForByteTheJsonDocumentTranslators(string pair, string request, string target, int bytes, string sha256)
    {
        var body = Body(request);
        using var tape = JsonTape.Parse(body);
        using var output = new PooledBufferWriter(1 << 20);
        string fields;
        if (pair == "chat")
        {
            var r = AnthropicToOpenAIRequest.Translate(tape.Root, Targets[target], output);
            fields = Describe(r.Ok, r.ErrorMessage, r.Stream, r.RequestedModel, r.DroppedTools, r.DroppedParams, r.StopSequences);
        }
        else
        {
            using var document = JsonDocument.Parse(body);
            var r = AnthropicToResponsesRequest.Translate(document.RootElement, Targets[target], SignatureKey, output);
            fields = Describe(r.Ok, r.ErrorMessage, r.Stream, r.RequestedModel, r.DroppedTools, r.DroppedParams, r.StopSequences);
        }

        Assert.Equal(bytes, output.WrittenCount);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(output.WrittenSpan);
        hash.AppendData(Encoding.UTF8.GetBytes("\n" + fields));
        Assert.Equal(sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static byte[] Body(string request)
    {
        if (request == "bench/claude-code-150k") return File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "bench", "claude-code-150k.json"));
        var hash = request.IndexOf('#', StringComparison.Ordinal);
        var seq = int.Parse(request[(hash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes(Fixtures.Exchanges(request[..hash]).Single(e => e.GetProperty("seq").GetInt32() == seq).GetProperty("body").GetRawText());
    }

    private static string Describe(bool ok, string? error, bool stream, string model, IReadOnlyList<string> tools, IReadOnlyList<string> parameters, IReadOnlyList<string> stops) =>
        $"ok={ok}|error={error}|stream={stream}|model={model}|droppedTools={string.Join(',', tools)}|droppedParams={string.Join(',', parameters)}|stops={string.Join('\u0001', stops)}";
}
