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
/// (<c>Fixtures/differential/anthropic-request-translations.json</c>, written by
/// <c>scripts/freeze-translation-hashes</c> built against that commit); the hash covers the body and the result's
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

    public static IEnumerable<object[]> Cases() => FrozenCases("anthropic-request-translations.json");

    /// <summary>(pair, request, target, bytes, sha256) of each case in a file of frozen hashes.</summary>
    internal static IEnumerable<object[]> FrozenCases(string fileName)
    {
        using var file = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "differential", fileName)));
        foreach (var c in file.RootElement.GetProperty("cases").EnumerateArray())
        {
            yield return [c.GetProperty("pair").GetString()!, c.GetProperty("request").GetString()!, c.GetProperty("target").GetString()!,
                c.GetProperty("bytes").GetInt32(), c.GetProperty("sha256").GetString()!];
        }
    }

    /// <summary>Asserts <paramref name="output"/> and the result's fields hash to a frozen case.</summary>
    internal static void AssertFrozen(PooledBufferWriter output, string fields, int bytes, string sha256)
    {
        Assert.Equal(bytes, output.WrittenCount);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(output.WrittenSpan);
        hash.AppendData(Encoding.UTF8.GetBytes("\n" + fields));
        Assert.Equal(sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
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
            var r = AnthropicToResponsesRequest.Translate(tape.Root, Targets[target], SignatureKey, output);
            fields = Describe(r.Ok, r.ErrorMessage, r.Stream, r.RequestedModel, r.DroppedTools, r.DroppedParams, r.StopSequences);
        }

        AssertFrozen(output, fields, bytes, sha256);
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

/// <summary>
/// The other request translators and the pass-through filters, old against new: every recorded Chat Completions
/// request (the OpenAI SDK's, and the chat requests the translator writes for every recorded Anthropic request) to
/// Anthropic, to Responses and through the chat filter; every Codex request (and the Responses requests written for
/// every recorded Anthropic request) to chat, to Anthropic and through the Responses filter. Hashes frozen from commit
/// 670714e's JsonDocument-based code (<c>Fixtures/differential/openai-request-translations.json</c>).
/// </summary>
public sealed class DifferentialOpenAITranslationTests
{
    private static readonly byte[] SignatureKey = Enumerable.Repeat((byte)7, 32).ToArray();

    private static readonly Dictionary<string, OpenAITarget> OpenAITargets = new(StringComparer.Ordinal)
    {
        ["gpt-4o"] = new() { Model = "gpt-4o" },
        ["gpt-5-capped"] = new() { Model = "gpt-5-mini", IsReasoningModel = true, MaxOutputTokens = 16000, DropParams = true, PromptCacheKey = "pck-1" },
    };

    private static readonly Dictionary<string, Gateway.Translation.OpenAIToAnthropic.AnthropicTarget> AnthropicTargets = new(StringComparer.Ordinal)
    {
        ["claude"] = new() { Model = "claude-sonnet-4-5" },
        ["claude-capped"] = new() { Model = "claude-haiku-4-5", MaxOutputTokens = 2000, DropParams = true },
    };

    private static readonly Lazy<Dictionary<string, byte[]>> Inputs = new(LoadInputs);

    public static IEnumerable<object[]> Cases() => DifferentialTranslationTests.FrozenCases("openai-request-translations.json");

    [Fact]
    public void EveryRecordedRequest_IsCovered()
    {
        var covered = Cases().Select(c => (string)c[1]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Inputs.Value.Keys.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
        Assert.Contains(covered, n => n.StartsWith("codex/", StringComparison.Ordinal));
        Assert.Contains(covered, n => n.StartsWith("sdk-openai#", StringComparison.Ordinal));
        Assert.Contains("as-chat/bench/claude-code-150k", covered);
        Assert.Contains("as-responses/bench/claude-code-150k", covered);
        Assert.Equal(282, Cases().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translation_IsByteForByteTheJsonDocumentTranslators(string pair, string request, string target, int bytes, string sha256)
    {
        var body = Inputs.Value[request];
        using var tape = JsonTape.Parse(body);
        using var output = new PooledBufferWriter(1 << 20);
        object? result = pair switch
        {
            "chat->messages" => Gateway.Translation.OpenAIToAnthropic.ChatRequestToMessages.Translate(Read(tape, body), AnthropicTargets[target], output),
            "chat->responses" => Gateway.Translation.ChatToResponses.ChatToResponsesRequest.Translate(Read(tape, body), OpenAITargets[target], output),
            "chat-filter" => Gateway.Translation.OpenAIToOpenAI.ChatRequestFilter.Apply(Read(tape, body), OpenAITargets[target], output),
            "responses->chat" => Gateway.Translation.ResponsesToChat.ResponsesToChatRequest.Translate(Read(tape, body), OpenAITargets[target], output),
            "responses->messages" => Gateway.Translation.ResponsesToMessages.ResponsesToMessagesRequest.Translate(Read(tape, body), AnthropicTargets[target], output),
            "responses-filter" => Filter(Read(tape, body), OpenAITargets[target], target == "gpt-4o", output),
            _ => throw new ArgumentException(pair),
        };

        DifferentialTranslationTests.AssertFrozen(output, Describe(result), bytes, sha256);
    }

    private static object? Filter(TapeElement root, OpenAITarget target, bool gatewayStores, PooledBufferWriter output)
    {
        Gateway.Translation.OpenAIToOpenAI.ResponsesRequestFilter.Apply(root, target, gatewayStores, output);
        return null;
    }

    /// <summary>The request as the translators read it.</summary>
    private static TapeElement Read(JsonTape tape, byte[] body)
    {
        _ = body;
        return tape.Root;
    }

    /// <summary>The result's string, number, boolean and string-list properties, by name (as when the hashes were taken).</summary>
    private static string Describe(object? result)
    {
        if (result is null) return "";
        var parts = new List<string>();
        foreach (var p in result.GetType().GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var v = p.GetValue(result);
            var text = v switch
            {
                null => "null",
                string s => s,
                bool or int or long => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
                IEnumerable<string> list => string.Join('\u0001', list.Order(StringComparer.Ordinal)),
                _ => null,
            };
            if (text is not null) parts.Add($"{p.Name}={text}");
        }

        return string.Join('|', parts);
    }

    private static Dictionary<string, byte[]> LoadInputs()
    {
        var inputs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var session in Fixtures.Sessions())
        {
            foreach (var exchange in Fixtures.Exchanges(session))
            {
                if (exchange.GetProperty("method").GetString() == "POST" && exchange.GetProperty("path").GetString() == "/v1/chat/completions"
                    && exchange.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object)
                {
                    inputs[$"{session}#{exchange.GetProperty("seq").GetInt32()}"] = Encoding.UTF8.GetBytes(body.GetRawText());
                }
            }
        }

        foreach (var codex in Directory.EnumerateFiles(Fixtures.CodexDirectory, "*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(codex);
            inputs[$"codex/{name}"] = Encoding.UTF8.GetBytes(Fixtures.CodexRequest(name).GetRawText());
        }

        // The chat and Responses requests Bridge writes for each recorded Anthropic request.
        var anthropic = Fixtures.AnthropicRequestBodies().Select(b => (b.Name.Replace(" (count_tokens)", "", StringComparison.Ordinal), Encoding.UTF8.GetBytes(b.Body.GetRawText())))
            .Append(("bench/claude-code-150k", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "bench", "claude-code-150k.json"))));
        using var output = new PooledBufferWriter(1 << 20);
        foreach (var (name, body) in anthropic)
        {
            using var tape = JsonTape.Parse(body);
            output.Clear();
            if (AnthropicToOpenAIRequest.Translate(tape.Root, new OpenAITarget { Model = "gpt-4o" }, output).Ok) inputs[$"as-chat/{name}"] = output.WrittenSpan.ToArray();
            output.Clear();
            if (AnthropicToResponsesRequest.Translate(tape.Root, new OpenAITarget { Model = "gpt-5.4", IsReasoningModel = true }, SignatureKey, output).Ok)
            {
                inputs[$"as-responses/{name}"] = output.WrittenSpan.ToArray();
            }
        }

        return inputs;
    }
}
