using System.Text.Json;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>Usage and finish reason picked out of Chat Completions JSON relayed unchanged (a chunk or a whole completion).</summary>
internal struct ChatOutcome
{
    public TokenUsage? Usage;
    public string? FinishReason;

    /// <summary>Only chunks that may name a finish reason are parsed (most say <c>"finish_reason":null</c>).</summary>
    public static bool MayCarryFinishReason(ReadOnlySpan<byte> data) =>
        data.IndexOf("\"finish_reason\""u8) >= 0 && data.IndexOf("\"finish_reason\":null"u8) < 0;

    /// <summary>The final <c>choices: []</c> chunk that carries only usage.</summary>
    public static bool IsUsageOnlyChunk(ReadOnlySpan<byte> data) =>
        data.IndexOf("\"choices\":[]"u8) >= 0 && data.IndexOf("\"usage\":{"u8) >= 0;

    public void Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            Read(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON: relayed as it is; usage stays unknown.
        }
    }

    public void Read(JsonElement root)
    {
        if (OpenAIUsage.TryRead(root, out var usage))
        {
            Usage = new TokenUsage(usage.InputTokens, usage.CompletionTokens, usage.CachedTokens);
        }
        // The first choice's reason (a chunk or a whole completion); with n > 1 the others are not traced.
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.ValueKind != JsonValueKind.Object) continue;
                if (choice.TryGetProperty("index"u8, out var index) && index.ValueKind == JsonValueKind.Number && index.GetInt32() != 0) continue;
                if (choice.TryGetProperty("finish_reason"u8, out var reason) && reason.ValueKind == JsonValueKind.String) FinishReason = reason.GetString();
            }
        }
    }

    /// <summary>An OpenAI error object (<c>{"error":{...}}</c>): its status, when it names one, and its message.</summary>
    public static (int? Status, string Message) ErrorOf(JsonElement root)
    {
        var error = root.TryGetProperty("error"u8, out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
        var message = error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "upstream reported an error";
        return (OpenAIErrorStatus.Of(error), message);
    }
}
