using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Bridge.Gateway.Json;

namespace Bridge.Gateway.Validation;

/// <summary>
/// Whether a request's text is valid Unicode: UTF-8 bytes that decode, and no <c>\uD800</c>-style escape of half a
/// surrogate pair (JSON.stringify writes those for broken strings). The JSON parser lets both through inside
/// strings; reading such a string later throws, and forwarding it hands the upstream text it cannot read.
/// The check is one vectorised scan of the body; only a failing body is walked, to name the field.
/// </summary>
public static class Utf8Check
{
    /// <summary>Null for a valid body; else the first string or property name that is not text, named in the client's protocol.</summary>
    public static RequestProblem? Find(ReadOnlySpan<byte> body, JsonElement root, bool openAI)
    {
        if (IsText(body)) return null;
        return Locate(root, "", openAI) ?? new RequestProblem("Request body is not valid UTF-8 text.", null);
    }

    /// <summary>Offset of a <c>\u</c> escape of a surrogate that has no partner, or -1.</summary>
    internal static int FindLoneSurrogateEscape(ReadOnlySpan<byte> body)
    {
        var from = 0;
        while (true)
        {
            var hit = body[from..].IndexOf("\\u"u8);
            if (hit < 0) return -1;
            var at = from + hit;
            from = at + 2;
            // An escaped backslash followed by a literal 'u' ("\\u") is no escape: count the backslashes before the 'u'.
            var run = 0;
            for (var k = at; k >= 0 && body[k] == (byte)'\\'; k--) run++;
            if (run % 2 == 0 || !TryHex(body, at + 2, out var unit) || unit is < 0xD800 or > 0xDFFF) continue;
            if (unit >= 0xDC00) return at; // a low half whose high half would have been consumed below
            if (body.Length >= at + 12 && body[at + 6] == (byte)'\\' && body[at + 7] == (byte)'u'
                && TryHex(body, at + 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                from = at + 12;
                continue;
            }
            return at;
        }
    }

    private static bool TryHex(ReadOnlySpan<byte> body, int start, out int value)
    {
        value = JsonTapeScanner.Hex4(body, start);
        return value >= 0;
    }

    /// <summary>The first string or property name that is not valid text, by its path (cold path: builds strings).</summary>
    private static RequestProblem? Locate(JsonElement element, string path, bool openAI)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsText(JsonMarshal.GetRawUtf8PropertyName(property)))
                    {
                        return path.Length == 0
                            ? new RequestProblem("A property name of the request body is not valid UTF-8 text.", null)
                            : openAI
                                ? new RequestProblem($"Invalid '{path}': a property name in it is not valid UTF-8 text.", path)
                                : new RequestProblem($"{path}: a property name in it is not valid UTF-8 text.", path);
                    }
                    var found = Locate(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", openAI);
                    if (found is not null) return found;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var found = Locate(item, openAI ? $"{path}[{index++}]" : $"{path}.{index++}", openAI);
                    if (found is not null) return found;
                }
                return null;
            case JsonValueKind.String:
                return IsText(JsonMarshal.GetRawUtf8Value(element)) ? null : RequestProblem.NotText(path, openAI);
            default:
                return null;
        }
    }

    /// <summary>
    /// JSON text (a whole body, or a string's raw content, escapes in place) that is valid UTF-8 and escapes no lone
    /// surrogate: then <see cref="Find"/> is null.
    /// </summary>
    public static bool IsText(ReadOnlySpan<byte> raw) => Utf8.IsValid(raw) && FindLoneSurrogateEscape(raw) < 0;
}
