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
    private readonly List<byte> _partialLine = [];
    private AnthropicUsage _usage;
    private bool _seen;

    public TokenUsage? Usage => _seen ? new TokenUsage(_usage.InputTokens + _usage.CacheCreationTokens, _usage.OutputTokens, _usage.CacheReadTokens) : null;

    public int DataEvents { get; private set; }

    /// <summary>
    /// The upstream's final usage arrived (a <c>message_delta</c> with usage, or a whole message). Until then the
    /// output count is <c>message_start</c>'s placeholder, not what was produced.
    /// </summary>
    public bool FinalUsageSeen { get; private set; }

    /// <summary>The message's <c>stop_reason</c>, once the upstream has said it.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Feeds relayed SSE bytes; lines may be split across calls.</summary>
    public void FeedSse(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _partialLine.AddRange(bytes);
                return;
            }
            var line = bytes[..newline];
            if (_partialLine.Count > 0)
            {
                _partialLine.AddRange(line);
                OnLine(_partialLine.ToArray());
                _partialLine.Clear();
            }
            else
            {
                OnLine(line);
            }
            bytes = bytes[(newline + 1)..];
        }
    }

    /// <summary>Reads usage from a complete non-streamed message body.</summary>
    public void FeedMessage(ReadOnlySpan<byte> json) => ReadUsage(json, isEvent: false);

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("data:"u8)) return;
        DataEvents++;
        if (line.IndexOf("\"usage\""u8) < 0) return;
        ReadUsage(line[5..].TrimStart((byte)' '), isEvent: true);
    }

    private void ReadUsage(ReadOnlySpan<byte> json, bool isEvent)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
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
        catch (JsonException)
        {
            // Relayed as it is; usage stays as it was.
        }
    }
}
