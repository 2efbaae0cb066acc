using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Infrastructure;

/// <summary>
/// Recorded real client traffic, kept in the repository under <c>Bridge.Tests/Fixtures/</c> and copied next to
/// the test assembly: <c>claude-code/*.jsonl</c> (Claude Code and the official SDKs, one exchange per line:
/// seq, method, path, headers, body, response) and <c>codex/*.json</c> (Codex CLI requests). The one way tests
/// read them.
/// </summary>
public static class Fixtures
{
    /// <summary>The folder of the recorded Claude Code and SDK sessions.</summary>
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "claude-code");

    /// <summary>The folder of the recorded Codex CLI requests.</summary>
    public static string CodexDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "codex");

    private static readonly Dictionary<string, IReadOnlyList<JsonElement>> Loaded = new(StringComparer.Ordinal);

    /// <summary>Every recorded exchange of one session file, e.g. "sdk-openai" (parsed once per test run).</summary>
    public static IReadOnlyList<JsonElement> Exchanges(string session)
    {
        lock (Loaded)
        {
            if (Loaded.TryGetValue(session, out var cached)) return cached;
            var path = Path.Combine(Directory, session + ".jsonl");
            if (!File.Exists(path)) throw new FileNotFoundException($"No recorded session '{session}' in {Directory}.", path);
            var list = new List<JsonElement>();
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0) continue;
                using var document = JsonDocument.Parse(line);
                list.Add(document.RootElement.Clone());
            }
            return Loaded[session] = list;
        }
    }

    /// <summary>The names of every recorded session, in ordinal order.</summary>
    public static IEnumerable<string> Sessions() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.jsonl").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    private static JsonElement Exchange(string session, int seq) =>
        Exchanges(session).Single(e => e.GetProperty("seq").GetInt32() == seq);

    /// <summary>The request body of exchange <paramref name="seq"/> (1-based) of a session.</summary>
    public static JsonElement Request(string session, int seq) => Exchange(session, seq).GetProperty("body");

    /// <summary>The same body as JSON text.</summary>
    public static string RequestBody(string session, int seq) => Request(session, seq).GetRawText();

    /// <summary>The same body as a mutable node.</summary>
    public static JsonObject RequestJson(string session, int seq) => JsonNode.Parse(RequestBody(session, seq))!.AsObject();

    /// <summary>The exact response bytes the recording server sent (SSE text for streams).</summary>
    public static string ResponseBody(string session, int seq) =>
        Exchange(session, seq).GetProperty("response").GetProperty("body").GetString()!;

    /// <summary>(session, seq) of every recorded POST /v1/messages (count_tokens excluded).</summary>
    public static IEnumerable<object[]> MessagesRequests()
    {
        foreach (var session in Sessions())
        {
            foreach (var exchange in Exchanges(session))
            {
                if (exchange.GetProperty("method").GetString() == "POST" && exchange.GetProperty("path").GetString() == "/v1/messages")
                {
                    yield return [session, exchange.GetProperty("seq").GetInt32()];
                }
            }
        }
    }

    /// <summary>("session#seq", body) of every recorded /v1/messages and /v1/messages/count_tokens request with a body.</summary>
    public static IReadOnlyList<(string Name, JsonElement Body)> AnthropicRequestBodies()
    {
        var list = new List<(string, JsonElement)>();
        foreach (var session in Sessions())
        {
            foreach (var exchange in Exchanges(session))
            {
                var path = exchange.GetProperty("path").GetString();
                if (exchange.GetProperty("method").GetString() == "POST"
                    && path is "/v1/messages" or "/v1/messages/count_tokens"
                    && exchange.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object)
                {
                    var suffix = path.EndsWith("count_tokens", StringComparison.Ordinal) ? " (count_tokens)" : "";
                    list.Add(($"{session}#{exchange.GetProperty("seq").GetInt32()}{suffix}", body));
                }
            }
        }
        return list;
    }

    /// <summary>The body of one recorded Codex CLI request, e.g. "codex-tool-call".</summary>
    public static JsonElement CodexRequest(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CodexDirectory, name + ".json")));
        return document.RootElement.GetProperty("body").Clone();
    }

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
