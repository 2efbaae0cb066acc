using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Sessions;

/// <summary>
/// A Claude-Code-like conversation: <c>POST /v1/messages</c> with Claude Code's headers and metadata, a ~16 KB system
/// prompt and 20 tools (the same for every session, as in Claude Code), and a history that grows by a user turn
/// carrying a ~4 KB tool result and the assistant's answer on every turn.
/// </summary>
public sealed class CodingSession(string name, string model, string? sessionId = null)
{
    private static readonly string SystemPrompt = string.Concat(Enumerable.Range(0, 160).Select(i =>
        $"Rule {i}: read the files you change, keep edits small, run the tests, and report what you did in one paragraph. "));

    private static readonly JsonArray Tools = new(Enumerable.Range(0, 20).Select(i => (JsonNode)new JsonObject
    {
        ["name"] = $"tool_{i}",
        ["description"] = $"Tool number {i}: " + string.Concat(Enumerable.Repeat("does one thing to the workspace and returns its output. ", 5)),
        ["input_schema"] = JsonNode.Parse("""{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path"]}"""),
    }).ToArray());

    private readonly JsonArray _messages = [];

    public string Name { get; } = name;
    public string SessionId { get; } = sessionId ?? Guid.NewGuid().ToString();
    public string? AgentId { get; init; }
    public int Turns { get; private set; }
    /// <summary>The gateway's <c>request-id</c> of the last turn.</summary>
    public string? LastRequestId { get; private set; }

    /// <summary>Sends the next turn; returns the deployment that answered (<c>x-bridge-deployment</c>).</summary>
    public async Task<string> SendTurnAsync(HttpClient client)
    {
        Turns++;
        _messages.Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = $"session {Name} turn {Turns}: here is the tool output.\n" + string.Concat(Enumerable.Repeat($"line {Turns} of the test log: ok\n", 140)),
        });
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 1024,
            ["system"] = new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = "x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli;" },
                new JsonObject { ["type"] = "text", ["text"] = SystemPrompt, ["cache_control"] = new JsonObject { ["type"] = "ephemeral" } }),
            ["tools"] = Tools.DeepClone(),
            ["metadata"] = new JsonObject { ["user_id"] = JsonSerializer.Serialize(new { device_id = "d", account_uuid = "", session_id = SessionId }) },
            ["messages"] = _messages.DeepClone(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages?beta=true")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("x-claude-code-session-id", SessionId);
        if (AgentId is not null) request.Headers.Add("x-claude-code-agent-id", AgentId);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("claude-cli", "2.1.197"));
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"turn {Turns} of {Name}: {(int)response.StatusCode} {text}");
        LastRequestId = response.Headers.GetValues("request-id").Single();
        var answer = JsonNode.Parse(text)!;
        _messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = answer["content"]!.DeepClone() });
        return response.Headers.GetValues("x-bridge-deployment").Single();
    }
}
