using System.Text.Json;

namespace Bridge.Tests.Tokens;

/// <summary>
/// Request bodies of every recorded POST /v1/messages and /v1/messages/count_tokens in
/// <c>../shared/fixtures/claude-code/*.jsonl</c> (next to the folder holding Bridge.sln), or in
/// the folder named by BRIDGE_FIXTURES.
/// </summary>
internal static class TokenFixtureBodies
{
    private static readonly Lazy<string> LazyDirectory = new(Locate);

    public static string Directory => LazyDirectory.Value;

    /// <summary>("file#seq path", body) for each request, in file then seq order.</summary>
    public static IReadOnlyList<(string Name, JsonElement Body)> All()
    {
        var list = new List<(string, JsonElement)>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(line);
                var exchange = document.RootElement;
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

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BRIDGE_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "claude-code"));
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException(
            "Fixtures not found: set BRIDGE_FIXTURES or run from a checkout next to ../shared/fixtures/claude-code");
    }
}
