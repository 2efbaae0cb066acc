using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// Watches Anthropic response bytes as they are relayed unchanged and picks out the usage numbers and the
/// stop reason (<c>message_start</c> and <c>message_delta</c> events, or a whole non-streamed message).
/// Only lines that mention <c>"usage"</c> are parsed (<c>message_delta</c> carries both).
/// </summary>
internal sealed class AnthropicUsageScanner
{
    private AnthropicUsage _usage;
    private bool _seen;

    public TokenUsage? Usage => _seen ? _usage.ToTokenUsage() : null;

    public int DataEvents { get; private set; }

    /// <summary>
    /// The upstream's final usage arrived (a <c>message_delta</c> with usage, or a whole message). Until then the
    /// output count is <c>message_start</c>'s placeholder, not what was produced.
    /// </summary>
    public bool FinalUsageSeen { get; private set; }

    /// <summary>The message's <c>stop_reason</c>, once the upstream has said it.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Feeds the data of one relayed event; only events that mention usage are parsed.</summary>
    public void FeedEvent(ReadOnlySpan<byte> data)
    {
        DataEvents++;
        if (data.IndexOf("\"usage\""u8) < 0) return;
        ReadUsage(data, isEvent: true);
    }

    /// <summary>Reads usage and the stop reason from a complete non-streamed message.</summary>
    public void FeedMessage(JsonElement message) => Read(message, isEvent: false);

    private void ReadUsage(ReadOnlySpan<byte> json, bool isEvent)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            Read(document.RootElement, isEvent);
        }
        catch (JsonException)
        {
            // Relayed as it is; usage stays as it was.
        }
    }

    private void Read(JsonElement root, bool isEvent)
    {
        var start = false;
        if (isEvent && root.TryGetProperty("message"u8, out var message))
        {
            root = message; // message_start
            start = true;
        }
        if (root.ValueKind != JsonValueKind.Object) return;
        var stopHolder = isEvent && root.TryGetProperty("delta"u8, out var delta) && delta.ValueKind == JsonValueKind.Object ? delta : root; // message_delta
        if (stopHolder.TryGetProperty("stop_reason"u8, out var stop) && stop.ValueKind == JsonValueKind.String) StopReason = stop.GetString();
        if (root.TryGetProperty("usage"u8, out var usage))
        {
            _usage.Update(usage);
            _seen = true;
            FinalUsageSeen |= !start;
        }
    }
}
