// Freezes what the request translators of an older, JsonDocument-based checkout (commit 670714e) write for every
// recorded request, as the hashes Bridge.Tests/JsonTapes/DifferentialTranslationTests.cs holds the current
// translators to. It calls the translators with JsonElement, so it builds only against such a checkout:
//
//   git worktree add /tmp/frozen 670714e
//   dotnet run -c Release --project scripts/freeze-translation-hashes -p:FrozenCheckout=/tmp/frozen -- . /tmp/hashes
//
// and writes anthropic-request-translations.json and openai-request-translations.json (the "cases" arrays of the
// files in Bridge.Tests/Fixtures/differential/). The inputs are read from the current tree's fixtures.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Gateway.Translation.ChatToResponses;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Translation.OpenAIToOpenAI;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Gateway.Translation.ResponsesToMessages;

var root = args[0];
var outDir = args[1];
Directory.CreateDirectory(outDir);
var key = Enumerable.Repeat((byte)7, 32).ToArray();
var output = new PooledBufferWriter(1 << 20);

var anthropic = new List<(string, byte[])>();
var chat = new List<(string, byte[])>();
var responses = new List<(string, byte[])>();
foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "Bridge.Tests/Fixtures/claude-code"), "*.jsonl").Order(StringComparer.Ordinal))
{
    foreach (var line in File.ReadLines(file))
    {
        if (line.Length == 0) continue;
        using var d = JsonDocument.Parse(line);
        var e = d.RootElement;
        var path = e.GetProperty("path").GetString();
        if (e.GetProperty("method").GetString() != "POST" || !e.TryGetProperty("body", out var b) || b.ValueKind != JsonValueKind.Object) continue;
        var name = $"{Path.GetFileNameWithoutExtension(file)}#{e.GetProperty("seq").GetInt32()}";
        var bytes = Encoding.UTF8.GetBytes(b.GetRawText());
        if (path is "/v1/messages" or "/v1/messages/count_tokens") anthropic.Add((name, bytes));
        else if (path == "/v1/chat/completions") chat.Add((name, bytes));
    }
}
anthropic.Add(("bench/claude-code-150k", File.ReadAllBytes(Path.Combine(root, "bench/fixtures/claude-code-150k.json"))));
foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "Bridge.Tests/Fixtures/codex"), "*.json").Order(StringComparer.Ordinal))
{
    using var d = JsonDocument.Parse(File.ReadAllBytes(file));
    responses.Add(($"codex/{Path.GetFileNameWithoutExtension(file)}", Encoding.UTF8.GetBytes(d.RootElement.GetProperty("body").GetRawText())));
}

// 1. Anthropic requests to Chat Completions (four targets) and to Responses (two).
using var defaults = JsonDocument.Parse("""{"seed":7,"user":"u-default","parallel_tool_calls":false}""");
var chatTargets = new (string, OpenAITarget)[]
{
    ("gpt-4o", new OpenAITarget { Model = "gpt-4o" }),
    ("gpt-5-capped", new OpenAITarget { Model = "gpt-5-mini", IsReasoningModel = true, MaxOutputTokens = 16000 }),
    ("drop-params", new OpenAITarget { Model = "gpt-4o", DropParams = true }),
    ("tuned", new OpenAITarget
    {
        Model = "gpt-4o", PromptCacheKey = "pck-1", AdditionalDropParams = ["metadata", "temperature"], IncludeStreamUsage = false,
        DefaultParams = defaults.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value),
    }),
};
var cases = new List<string>();
foreach (var (name, body) in anthropic)
{
    using var doc = JsonDocument.Parse(body);
    foreach (var (target, settings) in chatTargets)
    {
        output.Clear();
        var r = AnthropicToOpenAIRequest.Translate(doc.RootElement, settings, output);
        cases.Add(Case("chat", name, target, Fields(r.Ok, r.ErrorMessage, r.Stream, r.RequestedModel, r.DroppedTools, r.DroppedParams, r.StopSequences)));
    }
    foreach (var (target, settings) in chatTargets[..2])
    {
        output.Clear();
        var r = AnthropicToResponsesRequest.Translate(doc.RootElement, settings, key, output);
        cases.Add(Case("responses", name, target, Fields(r.Ok, r.ErrorMessage, r.Stream, r.RequestedModel, r.DroppedTools, r.DroppedParams, r.StopSequences)));
    }

    // The chat and Responses requests written for it are inputs of part 2.
    output.Clear();
    if (AnthropicToOpenAIRequest.Translate(doc.RootElement, new OpenAITarget { Model = "gpt-4o" }, output).Ok) chat.Add(($"as-chat/{name}", output.WrittenSpan.ToArray()));
    output.Clear();
    if (AnthropicToResponsesRequest.Translate(doc.RootElement, new OpenAITarget { Model = "gpt-5.4", IsReasoningModel = true }, key, output).Ok)
    {
        responses.Add(($"as-responses/{name}", output.WrittenSpan.ToArray()));
    }
}
Write("anthropic-request-translations.json", cases);

// 2. Chat requests to Anthropic, to Responses and through the filter; Responses requests to chat, to Anthropic and
// through the filter. Result fields: every string, number, boolean and string-list property, by name.
var openAITargets = new (string, OpenAITarget)[]
{
    ("gpt-4o", new OpenAITarget { Model = "gpt-4o" }),
    ("gpt-5-capped", new OpenAITarget { Model = "gpt-5-mini", IsReasoningModel = true, MaxOutputTokens = 16000, DropParams = true, PromptCacheKey = "pck-1" }),
};
var anthropicTargets = new (string, AnthropicTarget)[]
{
    ("claude", new AnthropicTarget { Model = "claude-sonnet-4-5" }),
    ("claude-capped", new AnthropicTarget { Model = "claude-haiku-4-5", MaxOutputTokens = 2000, DropParams = true }),
};
cases = [];
foreach (var (name, body) in chat)
{
    using var doc = JsonDocument.Parse(body);
    foreach (var (t, target) in anthropicTargets) Run("chat->messages", name, t, () => ChatRequestToMessages.Translate(doc.RootElement, target, output));
    foreach (var (t, target) in openAITargets) Run("chat->responses", name, t, () => ChatToResponsesRequest.Translate(doc.RootElement, target, output));
    foreach (var (t, target) in openAITargets) Run("chat-filter", name, t, () => ChatRequestFilter.Apply(doc.RootElement, target, output));
}
foreach (var (name, body) in responses)
{
    using var doc = JsonDocument.Parse(body);
    foreach (var (t, target) in openAITargets) Run("responses->chat", name, t, () => ResponsesToChatRequest.Translate(doc.RootElement, target, output));
    foreach (var (t, target) in anthropicTargets) Run("responses->messages", name, t, () => ResponsesToMessagesRequest.Translate(doc.RootElement, target, output));
    foreach (var (t, target) in openAITargets) Run("responses-filter", name, t, () => { ResponsesRequestFilter.Apply(doc.RootElement, target, t == "gpt-4o", output); return null; });
}
Write("openai-request-translations.json", cases);

void Run(string pair, string name, string target, Func<object?> translate)
{
    output.Clear();
    cases.Add(Case(pair, name, target, Properties(translate())));
}

string Case(string pair, string name, string target, string fields)
{
    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    hash.AppendData(output.WrittenSpan);
    hash.AppendData(Encoding.UTF8.GetBytes("\n" + fields));
    return $"{{ \"pair\": \"{pair}\", \"request\": \"{name}\", \"target\": \"{target}\", \"bytes\": {output.WrittenCount}, \"sha256\": \"{Convert.ToHexStringLower(hash.GetHashAndReset())}\" }}";
}

void Write(string fileName, List<string> all) =>
    File.WriteAllText(Path.Combine(outDir, fileName), "{\n  \"cases\": [\n    " + string.Join(",\n    ", all) + "\n  ]\n}\n");

static string Fields(bool ok, string? error, bool stream, string model, IReadOnlyList<string> tools, IReadOnlyList<string> parameters, IReadOnlyList<string> stops) =>
    $"ok={ok}|error={error}|stream={stream}|model={model}|droppedTools={string.Join(',', tools)}|droppedParams={string.Join(',', parameters)}|stops={string.Join('\u0001', stops)}";

static string Properties(object? result)
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
