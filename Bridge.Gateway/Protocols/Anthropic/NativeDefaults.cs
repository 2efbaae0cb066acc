using System.Text.Json;
using Bridge.Gateway.Buffers;

namespace Bridge.Gateway.Protocols.Anthropic;

/// <summary>
/// A deployment's sampling defaults (<c>litellm_params</c> <c>temperature</c>, <c>top_p</c>, <c>top_k</c>) on a
/// request forwarded natively to Anthropic: appended to the client's body when the client did not choose, and
/// only where Anthropic accepts them. Nothing is added with thinking on (Anthropic then refuses a temperature
/// other than 1 and any top_k), and temperature and top_p are one choice: a client that set either keeps it,
/// and a default temperature wins over a default top_p. Other defaults have no safe native form (adding
/// thinking to a conversation the client built without it can be refused) and are not applied here.
/// </summary>
public static class NativeDefaults
{
    private static readonly string[] Sampling = ["temperature", "top_p", "top_k"];

    /// <summary>True when <paramref name="defaults"/> holds anything this class could apply.</summary>
    public static bool Any(IReadOnlyDictionary<string, JsonElement> defaults)
    {
        foreach (var key in Sampling)
        {
            if (defaults.ContainsKey(key)) return true;
        }
        return false;
    }

    /// <summary>
    /// Appends the applicable defaults to <paramref name="body"/>, which holds the client's JSON object as it will
    /// be sent (<paramref name="client"/> is the same request, parsed).
    /// </summary>
    public static void Apply(JsonElement client, IReadOnlyDictionary<string, JsonElement> defaults, PooledBufferWriter body)
    {
        if (ThinkingOn(client)) return;
        var samplingChosen = client.TryGetProperty("temperature", out _) || client.TryGetProperty("top_p", out _);
        var add = new List<(string Key, JsonElement Value)>(3);
        if (!samplingChosen && defaults.TryGetValue("temperature", out var temperature)) add.Add(("temperature", temperature));
        else if (!samplingChosen && defaults.TryGetValue("top_p", out var topP)) add.Add(("top_p", topP));
        if (!client.TryGetProperty("top_k", out _) && defaults.TryGetValue("top_k", out var topK)) add.Add(("top_k", topK));
        if (add.Count == 0) return;

        // The body ends with the object's closing brace (maybe followed by whitespace): reopen it.
        var end = body.WrittenSpan.LastIndexOf((byte)'}');
        if (end < 0) return;
        body.Truncate(end);
        foreach (var (key, value) in add)
        {
            // The keys are the constants above and the values came from YAML as JSON: both written as they are.
            Write(body, $",\"{key}\":{value.GetRawText()}");
        }
        Write(body, "}");
    }

    private static void Write(PooledBufferWriter body, string text)
    {
        var written = System.Text.Encoding.UTF8.GetBytes(text, body.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length)));
        body.Advance(written);
    }

    private static bool ThinkingOn(JsonElement client) =>
        client.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.Object
        && thinking.TryGetProperty("type", out var type) && !type.ValueEquals("disabled"u8);
}
