using Bridge.Gateway.Json;
using System.Buffers.Text;
using System.Text.Json;

namespace Bridge.Gateway.Validation;

/// <summary>
/// Whether a JSON string holds base64 that decodes. Scans the raw UTF-8 in place (images can be megabytes):
/// no decoding into a buffer, no string.
/// </summary>
internal static class Base64Text
{
    private static ReadOnlySpan<byte> Base64Marker => ";base64"u8;

    /// <summary>True when <paramref name="value"/> (a JSON string) is valid base64.</summary>
    public static bool IsValid(TapeElement value)
    {
        var raw = RawContent(value);
        // JSON escapes ("\/", "\n") are legal in the string but not base64 characters: decode those rare strings first.
        return raw.IndexOf((byte)'\\') < 0 ? Base64.IsValid(raw) : IsValidEscaped(value);
    }

    /// <summary>
    /// False only for a <c>data:...;base64,</c> URL whose payload is not base64; any other string (http URLs,
    /// data URLs of other encodings, malformed ones the translators report themselves) passes.
    /// </summary>
    public static bool IsValidDataUrl(TapeElement value)
    {
        var raw = RawContent(value);
        if (!raw.StartsWith("data:"u8)) return true;
        var comma = raw.IndexOf((byte)',');
        if (comma < 0 || !raw[..comma].EndsWith(Base64Marker)) return true;
        var payload = raw[(comma + 1)..];
        if (payload.IndexOf((byte)'\\') < 0) return Base64.IsValid(payload);
        var text = TryGetString(value);
        return text is not null && Base64.IsValid(text.AsSpan(text.IndexOf(',') + 1));
    }

    /// <summary>The string's UTF-8 bytes as written in the body, without the quotes.</summary>
    private static ReadOnlySpan<byte> RawContent(TapeElement value) => value.RawStringContent;

    private static bool IsValidEscaped(TapeElement value) => TryGetString(value) is { } text && Base64.IsValid(text);

    /// <summary>Null when the escapes do not decode to text (a lone surrogate): then it is not base64 either.</summary>
    private static string? TryGetString(TapeElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
