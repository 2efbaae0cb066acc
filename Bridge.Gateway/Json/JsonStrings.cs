using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Json;

/// <summary>
/// Reading an upstream's strings leniently: what is not text (bytes that are not UTF-8, an escaped half of a surrogate
/// pair without the other half) becomes U+FFFD, where <c>GetString</c> throws. Bridge passes an answer on rather than
/// refuse it for one broken character (a server can split an emoji between two tokens).
/// </summary>
internal static class JsonStrings
{
    /// <summary>The string's text, with what is not text replaced.</summary>
    public static string GetStringReplacingInvalid(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            return Decode(raw[1..^1]);
        }
    }

    /// <summary>
    /// Decodes a string's content as it is in the JSON text (quotes left out, escapes already accepted by a parser).
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0) return Encoding.UTF8.GetString(raw);
        var text = new StringBuilder(raw.Length);
        var run = 0;
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\')
            {
                i++;
                continue;
            }
            text.Append(Encoding.UTF8.GetString(raw[run..i])); // runs end at a backslash: no character is split
            var escaped = raw[i + 1];
            if (escaped == (byte)'u')
            {
                var unit = JsonTapeScanner.Hex4(raw, i + 2);
                i += 6;
                if (unit is >= 0xD800 and < 0xDC00 && JsonTapeScanner.LowSurrogateAt(raw, i) is var low and >= 0)
                {
                    text.Append((char)unit).Append((char)low);
                    i += 6;
                }
                else
                {
                    text.Append(unit is >= 0xD800 and <= 0xDFFF ? '\uFFFD' : (char)unit);
                }
            }
            else
            {
                text.Append(escaped switch
                {
                    (byte)'n' => '\n',
                    (byte)'t' => '\t',
                    (byte)'r' => '\r',
                    (byte)'b' => '\b',
                    (byte)'f' => '\f',
                    _ => (char)escaped, // \" \\ \/
                });
                i += 2;
            }
            run = i;
        }
        text.Append(Encoding.UTF8.GetString(raw[run..]));
        return text.ToString();
    }
}
