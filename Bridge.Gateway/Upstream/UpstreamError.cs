using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Upstream;

/// <summary>An upstream's non-success answer, reduced to what the client needs: status, message, Retry-After.</summary>
public sealed record UpstreamError(int StatusCode, string Message, TimeSpan? RetryAfter)
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>Reads an error response (bounded) and extracts the message from an OpenAI, Azure or Anthropic envelope.</summary>
    public static async Task<UpstreamError> ReadAsync(HttpResponseMessage response, string deploymentId, CancellationToken ct)
    {
        var bytes = await ReadBoundedAsync(response.Content, ct);
        var message = ExtractMessage(bytes) ?? (bytes.Length > 0 ? Encoding.UTF8.GetString(bytes) : response.ReasonPhrase ?? "no details");
        if (message.Length > 2000) message = message[..2000] + "...";
        return new UpstreamError((int)response.StatusCode, $"{deploymentId}: {message}", RetryAfterOf(response));
    }

    public static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var retry = response.Headers.RetryAfter;
        if (retry?.Delta is { } delta) return delta;
        if (retry?.Date is { } date) return date - DateTimeOffset.UtcNow;
        if (response.Headers.TryGetValues("retry-after-ms", out var ms) && double.TryParse(ms.FirstOrDefault(), out var millis))
            return TimeSpan.FromMilliseconds(millis);
        return null;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxErrorBodyBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        return buffer[..total];
    }

    internal static string? ExtractMessage(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String) return error.GetString();
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    return m.GetString();
            }
            if (root.TryGetProperty("message", out var msg) && msg.ValueKind == JsonValueKind.String) return msg.GetString();
            if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String) return detail.GetString();
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
