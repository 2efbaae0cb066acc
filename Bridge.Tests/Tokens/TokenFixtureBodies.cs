using System.Text.Json;

namespace Bridge.Tests.Tokens;

/// <summary>
/// Request bodies of every recorded POST /v1/messages and /v1/messages/count_tokens in
/// <c>../shared/fixtures/claude-code/*.jsonl</c> (next to the folder holding Bridge.sln), or in
/// the folder named by BRIDGE_FIXTURES.
/// </summary>
internal static class TokenFixtureBodies
{

    /// <summary>("file#seq path", body) for each request, in file then seq order.</summary>
    public static IReadOnlyList<(string Name, JsonElement Body)> All()
    {
        var list = new List<(string, JsonElement)>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Infrastructure.Fixtures.Directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            foreach (var exchange in Translation.ClaudeCodeFixtures.Exchanges(name))
            {
                var path = exchange.GetProperty("path").GetString();
                if (exchange.GetProperty("method").GetString() == "POST"
                    && path is "/v1/messages" or "/v1/messages/count_tokens"
                    && exchange.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object)
                {
                    var suffix = path.EndsWith("count_tokens", StringComparison.Ordinal) ? " (count_tokens)" : "";
                    list.Add(($"{name}#{exchange.GetProperty("seq").GetInt32()}{suffix}", body.Clone()));
                }
            }
        }

        return list;
    }
}
