using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace Bridge.Gateway.Json;

/// <summary>
/// The fast path of <see cref="JsonTape.Parse"/>: one forward pass that checks the JSON grammar (RFC 8259, as
/// <see cref="Utf8JsonReader"/> applies it with default options) and records each token's position. Inside strings it
/// looks 32 bytes at a time for the three things that matter there (a quote, a backslash, a control character) and
/// steps over escapes without decoding them. It refuses anything it does not accept for certain (then the reader
/// decides), so it never accepts what System.Text.Json would refuse. On the way it answers what <c>Utf8Check</c>
/// asks of a body (valid UTF-8, no escaped lone surrogate) while each string is still in the cache: the UTF-8
/// validator runs only on strings that have a byte above ASCII (outside strings the grammar admits none), and each
/// <c>\u</c> escape of a surrogate is checked for its partner.
/// </summary>
internal static class JsonTapeScanner
{
    /// <param name="isText">Whether every string and property name is valid UTF-8 and escapes no lone surrogate.</param>
    public static bool TryScan(ReadOnlySpan<byte> json, ref JsonTape.Row[] rows, out int count, out bool isText)
    {
        count = 0;
        isText = true;
        var seen = 0;
        Span<int> open = stackalloc int[JsonTape.MaxDepth];
        var depth = 0;
        var i = SkipWhitespace(json, 0);

        while (true)
        {
            // A value at i.
            if (i >= json.Length) return false;
            var b = json[i];
            if (b == (byte)'{' || b == (byte)'[')
            {
                if (depth == JsonTape.MaxDepth - 1) return false; // at the limit: the reader decides
                if (depth > 0 && rows[open[depth - 1]].Kind == JsonValueKind.Array) rows[open[depth - 1]].Count++;
                var kind = b == (byte)'{' ? JsonValueKind.Object : JsonValueKind.Array;
                JsonTape.Append(ref rows, ref count, new JsonTape.Row(i, 0, kind));
                open[depth++] = count - 1;
                i = SkipWhitespace(json, i + 1);
                if (i >= json.Length) return false;
                if (json[i] == (b == (byte)'{' ? (byte)'}' : (byte)']'))
                {
                    Close(rows, open[--depth], i, count);
                    i++;
                    goto AfterValue;
                }

                if (kind == JsonValueKind.Object)
                {
                    if (!ScanName(json, ref i, ref rows, ref count, open[depth - 1], ref seen)) return false;
                    isText = (seen & NotText) == 0;
                }

                continue;
            }

            if (depth > 0 && rows[open[depth - 1]].Kind == JsonValueKind.Array) rows[open[depth - 1]].Count++;
            if (b == (byte)'"')
            {
                var escapes = 0;
                var end = FindStringEnd(json, i + 1, ref escapes);
                if (end < 0) return false;
                seen |= escapes;
                isText = (seen & NotText) == 0;
                JsonTape.Append(ref rows, ref count, new JsonTape.Row(i + 1, end - i - 1, JsonValueKind.String) { Escaped = (escapes & AnyEscape) != 0 });
                i = end + 1;
            }
            else if (b == (byte)'-' || (uint)(b - '0') <= 9)
            {
                var end = NumberEnd(json, i);
                if (end < 0) return false;
                JsonTape.Append(ref rows, ref count, new JsonTape.Row(i, end - i, JsonValueKind.Number));
                i = end;
            }
            else
            {
                var literal = b switch
                {
                    (byte)'t' => "true"u8,
                    (byte)'f' => "false"u8,
                    (byte)'n' => "null"u8,
                    _ => default,
                };
                if (literal.IsEmpty || !json[i..].StartsWith(literal) || !EndsToken(json, i + literal.Length)) return false;
                var kind = b == (byte)'t' ? JsonValueKind.True : b == (byte)'f' ? JsonValueKind.False : JsonValueKind.Null;
                JsonTape.Append(ref rows, ref count, new JsonTape.Row(i, literal.Length, kind));
                i += literal.Length;
            }

        AfterValue:
            // After a value: a separator, the end of its container(s), or the end of the text.
            while (true)
            {
                i = SkipWhitespace(json, i);
                if (depth == 0) return i == json.Length;
                if (i >= json.Length) return false;
                var container = open[depth - 1];
                var isObject = rows[container].Kind == JsonValueKind.Object;
                if (json[i] == (byte)',')
                {
                    i = SkipWhitespace(json, i + 1);
                    if (isObject && !ScanName(json, ref i, ref rows, ref count, container, ref seen)) return false;
                    isText = (seen & NotText) == 0;
                    break;
                }

                if (json[i] != (isObject ? (byte)'}' : (byte)']')) return false;
                depth--;
                Close(rows, container, i, count);
                i++;
            }
        }
    }

    private static void Close(JsonTape.Row[] rows, int container, int closeAt, int count)
    {
        ref var row = ref rows[container];
        row.Length = closeAt + 1 - row.Start;
        row.Span = count - container;
    }

    /// <summary>A property name and its colon at <paramref name="i"/>; leaves <paramref name="i"/> at the value.</summary>
    private static bool ScanName(ReadOnlySpan<byte> json, ref int i, ref JsonTape.Row[] rows, ref int count, int container, ref int seen)
    {
        if (i >= json.Length || json[i] != (byte)'"') return false;
        var escapes = 0;
        var end = FindStringEnd(json, i + 1, ref escapes);
        if (end < 0) return false;
        seen |= escapes;
        rows[container].Count++;
        JsonTape.Append(ref rows, ref count, new JsonTape.Row(i + 1, end - i - 1, JsonValueKind.String) { Escaped = (escapes & AnyEscape) != 0, IsName = true });
        i = SkipWhitespace(json, end + 1);
        if (i >= json.Length || json[i] != (byte)':') return false;
        i = SkipWhitespace(json, i + 1);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') i++;
        return i;
    }

    /// <summary>Whether a number or literal may end before <paramref name="i"/> (the reader wants a delimiter there).</summary>
    private static bool EndsToken(ReadOnlySpan<byte> json, int i) =>
        i == json.Length || json[i] is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';

    /// <summary>The end of the number starting at <paramref name="i"/> (RFC 8259's grammar), or -1.</summary>
    private static int NumberEnd(ReadOnlySpan<byte> json, int i)
    {
        if (json[i] == (byte)'-') i++;
        if (i >= json.Length) return -1;
        if (json[i] == (byte)'0') i++;
        else if (!Digits(json, ref i)) return -1;
        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            if (!Digits(json, ref i)) return -1;
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-') i++;
            if (!Digits(json, ref i)) return -1;
        }

        return EndsToken(json, i) ? i : -1;
    }

    private static bool Digits(ReadOnlySpan<byte> json, ref int i)
    {
        var start = i;
        while (i < json.Length && (uint)(json[i] - '0') <= 9) i++;
        return i > start;
    }

    private const int AnyEscape = 1;
    /// <summary>Not valid UTF-8, or a <c>\u</c> escape of half a surrogate pair without the other half.</summary>
    private const int NotText = 2;

    /// <summary>
    /// The index of the quote closing the string whose content starts at <paramref name="i"/>, or -1 for a string
    /// that does not end, holds a control character or a malformed escape. Adds to <paramref name="escapes"/>
    /// <see cref="AnyEscape"/> when the string has an escape and <see cref="NotText"/> when it is not valid text.
    /// </summary>
    internal static int FindStringEnd(ReadOnlySpan<byte> json, int i, ref int escapes)
    {
        var start = i;
        var high = false; // a byte above ASCII seen
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(json);
            var quote = Vector256.Create((byte)'"');
            var backslash = Vector256.Create((byte)'\\');
            var space = Vector256.Create((byte)0x20);
            // The blocks' high bits ORed: one left means a byte above ASCII (here or just past the string's end,
            // which only costs validating a string that needed none). A scalar mask, not a vector of the blocks ORed:
            // the JIT kept such a vector on the stack (the loop's slow paths call out) and each block waited on a
            // store and a load; the scan of the 150 KB request took 5% longer.
            var highBits = 0u;
            while (i + Vector256<byte>.Count <= json.Length)
            {
                var block = Vector256.LoadUnsafe(ref first, (nuint)i);
                highBits |= block.ExtractMostSignificantBits();
                var hits = (Vector256.Equals(block, quote) | Vector256.Equals(block, backslash) | Vector256.LessThan(block, space))
                    .ExtractMostSignificantBits();
                var next = i + Vector256<byte>.Count;
                while (hits != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(hits);
                    var b = json[at];
                    if (b == (byte)'"')
                    {
                        if (highBits != 0) escapes |= Validate(json[start..at]);
                        return at;
                    }
                    if (b != (byte)'\\') return -1; // a raw control character
                    var after = EscapeEnd(json, at, ref escapes);
                    if (after < 0) return -1;
                    var skip = after - i;
                    if (skip >= Vector256<byte>.Count)
                    {
                        next = after;
                        break;
                    }

                    hits &= ~((1u << skip) - 1);
                }

                i = next;
            }

            high = highBits != 0;
        }

        while (i < json.Length)
        {
            var b = json[i];
            if (b == (byte)'"')
            {
                if (high) escapes |= Validate(json[start..i]);
                return i;
            }
            if (b < 0x20) return -1;
            high |= b >= 0x80;
            if (b == (byte)'\\')
            {
                i = EscapeEnd(json, i, ref escapes);
                if (i < 0) return -1;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    private static int Validate(ReadOnlySpan<byte> content) => System.Text.Unicode.Utf8.IsValid(content) ? 0 : NotText;

    /// <summary>The index after the escape whose backslash is at <paramref name="at"/>, or -1 when it is malformed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EscapeEnd(ReadOnlySpan<byte> json, int at, ref int escapes)
    {
        escapes |= AnyEscape;
        if (at + 1 >= json.Length) return -1;
        var e = json[at + 1];
        // The common ones first, without leaving the caller's loop.
        if (e is (byte)'n' or (byte)'"' or (byte)'\\' or (byte)'t' or (byte)'r' or (byte)'/' or (byte)'b' or (byte)'f') return at + 2;
        if (e != (byte)'u') return -1;
        return UnicodeEscapeEnd(json, at, ref escapes);
    }

    /// <summary>
    /// The index after the <c>\uXXXX</c> escape at <paramref name="at"/> (after both, for a surrogate pair), or -1
    /// without four hex digits. Half a surrogate pair without the other half is valid JSON but not text:
    /// <see cref="NotText"/>.
    /// </summary>
    private static int UnicodeEscapeEnd(ReadOnlySpan<byte> json, int at, ref int escapes)
    {
        var unit = Hex4(json, at + 2);
        if (unit < 0) return -1;
        if (unit is < 0xD800 or > 0xDFFF) return at + 6;
        if (unit < 0xDC00 && LowSurrogateAt(json, at + 6) >= 0) return at + 12;

        escapes |= NotText;
        return at + 6;
    }

    /// <summary>The unit of a <c>\uXXXX</c> escape of a low surrogate at <paramref name="at"/> (the partner a high one needs), or -1.</summary>
    internal static int LowSurrogateAt(ReadOnlySpan<byte> json, int at) =>
        at + 6 <= json.Length && json[at] == (byte)'\\' && json[at + 1] == (byte)'u' && Hex4(json, at + 2) is var low and >= 0xDC00 and <= 0xDFFF
            ? low
            : -1;

    /// <summary>The four hex digits at <paramref name="from"/> as a number, or -1.</summary>
    internal static int Hex4(ReadOnlySpan<byte> json, int from)
    {
        if (from + 4 > json.Length) return -1;
        var value = 0;
        for (var k = from; k < from + 4; k++)
        {
            var digit = HexValue(json[k]);
            if (digit < 0) return -1;
            value = (value << 4) | digit;
        }

        return value;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
