using System.Text.Json;

namespace Bridge.Tests.Translation;

/// <summary>
/// Recorded real traffic in <c>../shared/fixtures/claude-code/</c> (relative to the directory that
/// holds Bridge.sln), or in the directory named by BRIDGE_FIXTURES.
/// </summary>
internal static class ClaudeCodeFixtures
{
    public static string Directory => Infrastructure.Fixtures.Directory;

    /// <summary>Every recorded exchange of one file, e.g. "sdk-openai".</summary>
    public static IReadOnlyList<JsonElement> Exchanges(string name)
    {
        var path = Path.Combine(Directory, name + ".jsonl");
        var list = new List<JsonElement>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length > 0)
            {
                using var document = JsonDocument.Parse(line);
                list.Add(document.RootElement.Clone());
            }
        }

        return list;
    }

    /// <summary>(file, seq) of every POST /v1/messages request (count_tokens excluded).</summary>
    public static IEnumerable<object[]> MessagesRequests()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            foreach (var exchange in Exchanges(name))
            {
                if (exchange.GetProperty("method").GetString() == "POST"
                    && exchange.GetProperty("path").GetString() == "/v1/messages")
                {
                    yield return [name, exchange.GetProperty("seq").GetInt32()];
                }
            }
        }
    }

    public static JsonElement RequestBody(string name, int seq) =>
        Exchanges(name).Single(e => e.GetProperty("seq").GetInt32() == seq).GetProperty("body");

    public static string ResponseBody(string name, int seq) =>
        Exchanges(name).Single(e => e.GetProperty("seq").GetInt32() == seq).GetProperty("response").GetProperty("body").GetString()!;
}
