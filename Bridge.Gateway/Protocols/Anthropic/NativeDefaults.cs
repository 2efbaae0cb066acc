using Bridge.Gateway.Json;
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
    /// <summary>The defaults a natively forwarded request can take (the config loader checks they are numbers).</summary>
    public static readonly IReadOnlyList<string> Keys = ["temperature", "top_p", "top_k"];

    /// <summary>True when <paramref name="defaults"/> holds anything this class could apply.</summary>
    public static bool Any(IReadOnlyDictionary<string, System.Text.Json.JsonElement> defaults)
    {
        foreach (var key in Keys)
        {
            if (defaults.ContainsKey(key)) return true;
        }
        return false;
    }

    /// <summary>
    /// Appends the applicable defaults to <paramref name="body"/>, which holds the client's JSON object as it will
    /// be sent (<paramref name="client"/> is the same request, parsed).
    /// </summary>
    public static void Apply(TapeElement client, IReadOnlyDictionary<string, TapeElement> defaults, PooledBufferWriter body)
    {
        if (ThinkingOn(client)) return;
        var samplingChosen = client.TryGetProperty("temperature", out _) || client.TryGetProperty("top_p", out _);
        var add = new List<(string Key, string Value)>(3);
        if (!samplingChosen && Number(defaults, "temperature") is { } temperature)
        {
            // OpenAI's scale goes to 2, Anthropic's to 1 (the translated path clamps the same way).
            add.Add(("temperature", temperature.GetDouble() > 1 ? "1" : temperature.GetRawText()));
        }
        else if (!samplingChosen && Number(defaults, "top_p") is { } topP) add.Add(("top_p", topP.GetRawText()));
        if (!client.TryGetProperty("top_k", out _) && Number(defaults, "top_k") is { } topK) add.Add(("top_k", topK.GetRawText()));
        if (add.Count == 0) return;

        // The body ends with the object's closing brace (maybe followed by whitespace): reopen it. The object has
        // at least "model", so a comma can follow what is there.
        var end = body.WrittenSpan.TrimEnd(" \t\r\n"u8).Length - 1;
        if (end < 1 || body.WrittenSpan[end] != (byte)'}') return;
        body.Truncate(end);
        foreach (var (key, value) in add)
        {
            // The keys are the constants above and the values are JSON numbers: both written as they are.
            Write(body, $",\"{key}\":{value}");
        }
        Write(body, "}");
    }

    private static void Write(PooledBufferWriter body, string text)
    {
        var written = System.Text.Encoding.UTF8.GetBytes(text, body.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length)));
        body.Advance(written);
    }

    /// <summary>The default when it is a number (the config loader refuses other types for these keys).</summary>
    private static TapeElement? Number(IReadOnlyDictionary<string, TapeElement> defaults, string key) =>
        defaults.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Number ? value : null;

    private static bool ThinkingOn(TapeElement client) =>
        client.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.Object
        && thinking.TryGetProperty("type", out var type) && !type.ValueEquals("disabled"u8);
}
