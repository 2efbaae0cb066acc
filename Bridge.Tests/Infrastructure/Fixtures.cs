using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Infrastructure;

/// <summary>Recorded real client traffic from <c>../shared/fixtures/claude-code/</c>.</summary>
public static class Fixtures
{
    public static string Directory { get; } = Locate();

    /// <summary>BRIDGE_FIXTURES, else <c>../shared/fixtures/claude-code</c> beside the folder holding Bridge.sln.</summary>
    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("BRIDGE_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Bridge.sln"))) continue;
            var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "claude-code"));
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            "Fixtures not found: set BRIDGE_FIXTURES or run from a checkout next to ../shared/fixtures/claude-code");
    }

    /// <summary>Every recorded exchange of one session file.</summary>
    public static IReadOnlyList<JsonObject> Session(string name) =>
        File.ReadLines(Path.Combine(Directory, name + ".jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .ToList();

    /// <summary>The body of the n-th (1-based seq) request of a session.</summary>
    public static string RequestBody(string session, int seq) =>
        Session(session).First(e => (int)e["seq"]! == seq)["body"]!.ToJsonString();

    public static JsonObject RequestJson(string session, int seq) => JsonNode.Parse(RequestBody(session, seq))!.AsObject();

    public static string ResponseBody(string session, int seq) =>
        (string)Session(session).First(e => (int)e["seq"]! == seq)["response"]!["body"]!;

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
