using System.Text;
using System.Text.Json;
using Bridge.Gateway.Json;
using Bridge.Gateway.Validation;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.JsonTapes;

/// <summary>
/// The fast JSON scanner against System.Text.Json on every recorded request and on mutations of them: it accepts
/// exactly what <see cref="JsonDocument"/> accepts (refusals fall back to the reader, so the error a client sees is
/// the reader's), records the same rows as the reader-built tape, and <see cref="TapeElement"/> answers as
/// <see cref="JsonElement"/> does.
/// </summary>
public sealed class JsonTapeTests
{
    /// <summary>Every recorded request body: Claude Code, the SDKs, Codex, and the benchmark's Claude Code request.</summary>
    public static IEnumerable<object[]> RecordedBodies()
    {
        foreach (var session in Fixtures.Sessions())
        {
            foreach (var exchange in Fixtures.Exchanges(session))
            {
                if (exchange.TryGetProperty("body", out var body) && body.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    yield return [$"{session}#{exchange.GetProperty("seq").GetInt32()}"];
                }
            }
        }

        foreach (var codex in Directory.EnumerateFiles(Fixtures.CodexDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            yield return [$"codex/{Path.GetFileNameWithoutExtension(codex)}"];
        }
    }

    internal static byte[] Body(string name)
    {
        if (name.StartsWith("codex/", StringComparison.Ordinal)) return Encoding.UTF8.GetBytes(Fixtures.CodexRequest(name["codex/".Length..]).GetRawText());
        var hash = name.IndexOf('#', StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(Fixtures.Request(name[..hash], int.Parse(name[(hash + 1)..], System.Globalization.CultureInfo.InvariantCulture)).GetRawText());
    }

    [Theory]
    [MemberData(nameof(RecordedBodies))]
    public void RecordedBody_TakesTheFastPath_WithTheReadersRows_AndAnswersAsJsonElement(string name)
    {
        var body = Body(name);
        AssertFastPathMatches(body);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData(" [ [ ] , { } ] ")]
    [InlineData("\t\r\n{\"a\" :\n 1 }\n")]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-1.5e10")]
    [InlineData("1E-7")]
    [InlineData("1e+0")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("[true,false,null]")]
    [InlineData("\"\"")]
    [InlineData("\"plain\"")]
    [InlineData("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"")]
    [InlineData("\"\\ud800 lone\"")]
    [InlineData("{\"\":0,\"\":1}")]
    [InlineData("{\"k\":1,\"k\":2,\"k\\u0031\":3}")]
    [InlineData("\"héllo wörld ✓ 😀\"")]
    public void ValidText_FastPath_SameRowsAndTree(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        AssertFastPathMatches(body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData("1.e5")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("+1")]
    [InlineData(".5")]
    [InlineData("[1,]")]
    [InlineData("[,1]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\":}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\":1 \"b\":2}")]
    [InlineData("[1 2]")]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12G4\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"tab\there\"")]
    [InlineData("\"unterminated")]
    [InlineData("\"ends in backslash\\")]
    [InlineData("[1] x")]
    [InlineData("nul")]
    [InlineData("nulll")]
    [InlineData("truex")]
    [InlineData("true false")]
    [InlineData("[1}")]
    [InlineData("{\"a\":1]")]
    [InlineData("{\"a\":[}")]
    [InlineData("// comment\n{}")]
    [InlineData("\uFEFF{}")]
    [InlineData("{\"a\":1}/**/")]
    [InlineData("[1,2,3")]
    [InlineData("{\"a\"")]
    public void InvalidText_IsRefused_WithTheReadersMessage(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var expected = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
        var actual = Assert.ThrowsAny<JsonException>(() => JsonTape.Parse(body));
        Assert.Equal(expected.Message, actual.Message);
    }

    [Theory]
    [InlineData(JsonTape.MaxDepth - 2)]
    [InlineData(JsonTape.MaxDepth - 1)]
    [InlineData(JsonTape.MaxDepth)]
    [InlineData(JsonTape.MaxDepth + 1)]
    public void Nesting_AtAndPastTheLimit_MatchesTheReader(int depth)
    {
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[{\"a\":", depth / 2)) + (depth % 2 == 1 ? "[1]" : "1")
            + string.Concat(Enumerable.Repeat("}]", depth / 2)));
        AssertAgreement(body);
    }

    [Fact]
    public void Escapes_AtEveryOffsetOfTheVectorBlock_AreStepedOver()
    {
        // A backslash-quote, an escaped backslash before the closing quote, and \u escapes, at each of 70 offsets:
        // covers escapes that straddle the 32-byte blocks the scanner looks at.
        foreach (var escape in new[] { "\\\"", "\\\\", "\\u0041", "\\n\\\"\\\\" })
        {
            for (var offset = 0; offset < 70; offset++)
            {
                var json = "[\"" + new string('a', offset) + escape + new string('b', 40) + "\",\"" + new string('c', offset) + "\\\\\"]";
                var body = Encoding.UTF8.GetBytes(json);
                AssertFastPathMatches(body);
            }
        }
    }

    [Fact]
    public void TextCheck_OnTheWay_AnswersAsUtf8Check_AtEveryOffsetOfTheVectorBlock()
    {
        // What the scanner finds about the text (valid UTF-8, no escaped lone surrogate) is what the whole-body check
        // finds, for each fault (and its valid neighbours) at 70 offsets, in a value and in a property name, with
        // valid text above ASCII before it in the same block.
        var pieces = new (string Name, byte[] Bytes)[]
        {
            ("pair", "\\uD83D\\uDE00"u8.ToArray()),
            ("pairs at the bounds", "\\uD800\\uDC00\\udbff\\udfff"u8.ToArray()),
            ("lone high", "\\uD800x"u8.ToArray()),
            ("lone high at the end", "\\uDBFF"u8.ToArray()),
            ("high then high", "\\uD800\\uD800"u8.ToArray()),
            ("high then a non-surrogate", "\\uD800\\u0041"u8.ToArray()),
            ("lone low", "\\uDC00"u8.ToArray()),
            ("low then high", "\\uDFFF\\uD800"u8.ToArray()),
            ("escaped backslash, then u", "\\\\uD800"u8.ToArray()),
            ("BMP escape", "\\u00e9\\uFFFF"u8.ToArray()),
            ("two-byte", "\u00e9"u8.ToArray()),
            ("four-byte", "\U0001F600"u8.ToArray()),
            ("invalid byte", [0xFF]),
            ("lone continuation", [0x80]),
            ("truncated two-byte", [0xC3]),
            ("truncated three-byte", [0xE2, 0x9C]),
            ("overlong", [0xC0, 0xAF]),
            ("encoded surrogate", [0xED, 0xA0, 0x80]),
            ("past U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        };
        foreach (var (name, piece) in pieces)
        {
            for (var offset = 0; offset < 70; offset++)
            {
                foreach (var asName in new[] { false, true })
                {
                    var text = new List<byte>("[\"é\",{\""u8.ToArray());
                    if (!asName) text.AddRange("k\":\""u8.ToArray());
                    text.AddRange(Enumerable.Repeat((byte)'a', offset));
                    text.AddRange(piece);
                    text.AddRange(Enumerable.Repeat((byte)'b', offset % 7));
                    text.AddRange(asName ? "\":1}]"u8.ToArray() : "\"}]"u8.ToArray());
                    var body = text.ToArray();
                    using var tape = JsonTape.Parse(body);
                    Assert.True(tape.IsText is not null, $"{name} at {offset}: the scanner refused it");
                    Assert.True(Utf8Check.IsText(body) == tape.IsText, $"{name} at {offset}{(asName ? " in a name" : "")}: expected {Utf8Check.IsText(body)}");
                }
            }
        }
    }

    [Fact]
    public void MutatedRecordedBodies_AreAcceptedAndRefusedExactlyAsByTheReader()
    {
        // Deterministic mutations of small and mid-sized real bodies: truncations, a byte replaced by one of the
        // bytes that matter to the grammar, a byte inserted or deleted.
        byte[] interesting = "\"\\{}[],:0-+.eE u/tfn\t\n"u8.ToArray().Concat(new byte[] { 0x01, 0x1F, 0x7F, 0xC3, 0xFF }).ToArray();
        var random = new Random(15);
        var bodies = RecordedBodies().Select(r => Body((string)r[0])).Where(b => b.Length < 50_000).Take(6).ToList();
        bodies.Add(Encoding.UTF8.GetBytes("{\"a\":[1,-2.5e3,true,false,null,\"x\\ny\",{\"b\":\"\\u00e9\"}],\"c\":{}}"));
        var refused = 0;
        var total = 0;
        foreach (var original in bodies)
        {
            for (var n = 0; n < 300; n++)
            {
                var body = original.ToList();
                var at = random.Next(body.Count);
                switch (random.Next(4))
                {
                    case 0: body.RemoveRange(at, body.Count - at); break;
                    case 1: body[at] = interesting[random.Next(interesting.Length)]; break;
                    case 2: body.Insert(at, interesting[random.Next(interesting.Length)]); break;
                    default: body.RemoveAt(at); break;
                }

                total++;
                if (!AssertAgreement(body.ToArray())) refused++;
            }
        }

        // Most mutations break the text; some keep it valid (inside a string, a digit for a digit).
        Assert.InRange(refused, total / 4, total - 1);
    }

    /// <summary>The scanner accepts valid text with the reader's rows, and the tape answers as JsonElement.</summary>
    private static void AssertFastPathMatches(byte[] body)
    {
        AssertSameAsReader(body, expectFastPath: true);
        using var tape = JsonTape.Parse(body);
        using var document = JsonDocument.Parse(body);
        AssertSameTree(document.RootElement, tape.Root, "$");
    }

    /// <summary>Whether both accept (then with the same rows) or both refuse (with the same message).</summary>
    private static bool AssertAgreement(byte[] body)
    {
        JsonException? expected = null;
        try
        {
            using var _ = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            expected = e;
        }

        if (expected is not null)
        {
            var actual = Assert.ThrowsAny<JsonException>(() => JsonTape.Parse(body));
            Assert.Equal(expected.Message, actual.Message);
            return false;
        }

        AssertSameAsReader(body, expectFastPath: false);
        return true;
    }

    private static void AssertSameAsReader(byte[] body, bool expectFastPath)
    {
        using var reference = JsonTape.ParseWithReader(body);
        var rows = new JsonTape.Row[16];
        var fast = JsonTapeScanner.TryScan(body, ref rows, out var count, out var isText);
        if (expectFastPath) Assert.True(fast, "the scanner refused valid JSON");
        if (!fast) return;
        Assert.Equal(Utf8Check.IsText(body), isText);
        Assert.Equal(reference.RowCount, count);
        for (var i = 0; i < count; i++) Assert.Equal(reference.RowAt(i), rows[i]);
    }

    internal static void AssertSameTree(JsonElement expected, TapeElement actual, string path)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: {expected.ValueKind} vs {actual.ValueKind}");
        Assert.Equal(JsonMarshalRaw(expected), actual.RawUtf8.ToArray());
        if (actual.RawUtf8.Length < 4096) AssertSameWriteTo(expected, actual, path);
        switch (expected.ValueKind)
        {
            case JsonValueKind.String:
                string? text = null;
                try
                {
                    text = expected.GetString();
                }
                catch (InvalidOperationException)
                {
                    Assert.Throws<InvalidOperationException>(() => actual.GetString());
                    return;
                }

                Assert.Equal(text, actual.GetString());
                Assert.Equal(text, JsonStrings.Decode(actual.RawStringContent)); // the lenient decoder agrees wherever the strict one reads
                Assert.Equal(text, actual.GetStringReplacingInvalid());
                Assert.Equal(text!.Length == 0, actual.IsEmptyString);
                Assert.True(actual.ValueEquals(text!), path);
                Assert.True(actual.ValueEquals(Encoding.UTF8.GetBytes(text!)), path);
                Assert.False(actual.ValueEquals(text + "x"), path);
                break;
            case JsonValueKind.Number:
                Assert.Equal(expected.TryGetInt32(out var i32), actual.TryGetInt32(out var j32));
                Assert.Equal(i32, j32);
                Assert.Equal(expected.TryGetInt64(out var i64), actual.TryGetInt64(out var j64));
                Assert.Equal(i64, j64);
                Assert.Equal(expected.TryGetDouble(out var d), actual.TryGetDouble(out var e));
                Assert.Equal(d, e);
                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                var items = actual.EnumerateArray().ToList();
                var index = 0;
                foreach (var item in expected.EnumerateArray())
                {
                    AssertSameTree(item, items[index], $"{path}[{index}]");
                    index++;
                }

                break;
            case JsonValueKind.Object:
                Assert.Equal(expected.GetPropertyCount(), actual.GetPropertyCount());
                var properties = actual.EnumerateObject().ToList();
                var at = 0;
                foreach (var property in expected.EnumerateObject())
                {
                    Assert.Equal(property.Name, properties[at].Name);
                    Assert.True(properties[at].NameEquals(property.Name));
                    AssertSameTree(property.Value, properties[at].Value, $"{path}.{property.Name}");
                    // Duplicate names: the last one wins, as in JsonElement.
                    Assert.True(actual.TryGetProperty(property.Name, out var byName));
                    Assert.Equal(JsonMarshalRaw(expected.GetProperty(property.Name)), byName.RawUtf8.ToArray());
                    at++;
                }

                Assert.False(actual.TryGetProperty("\u0001no such property", out _));
                break;
        }
    }

    /// <summary>Re-serialized by a writer (the relaxed encoder the translators use, and the default one), as JsonElement writes itself.</summary>
    private static void AssertSameWriteTo(JsonElement expected, TapeElement actual, string path)
    {
        foreach (var options in new[] { Gateway.Translation.TranslationJson.WriterOptions, new JsonWriterOptions(), new JsonWriterOptions { Indented = true } })
        {
            var a = new System.Buffers.ArrayBufferWriter<byte>();
            try
            {
                using var writer = new Utf8JsonWriter(a, options);
                expected.WriteTo(writer);
            }
            catch (InvalidOperationException)
            {
                // A lone surrogate escape: JsonElement cannot write it, neither can the tape.
                Assert.Throws<InvalidOperationException>(() => actual.WriteTo(new Utf8JsonWriter(new System.Buffers.ArrayBufferWriter<byte>(), options)));
                continue;
            }

            var b = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(b, options)) actual.WriteTo(writer);
            Assert.True(a.WrittenSpan.SequenceEqual(b.WrittenSpan), $"{path}: WriteTo differs: {Encoding.UTF8.GetString(a.WrittenSpan)} vs {Encoding.UTF8.GetString(b.WrittenSpan)}");
        }
    }

    [Theory]
    [InlineData("{\"a\":\"x\\/y\"}")]
    [InlineData("{\"a\":\"\\u0041\\u00e9\"}")]
    [InlineData("{\"a\":\"<b>&'+`\"}")]
    [InlineData("{\"a\":\"caf\u00e9 😀\"}")]
    [InlineData("{ \"a\" : [ 1 , 2 ] }")]
    [InlineData("{\"a\":\"q\\\"b\\\\n\\n\\r\\t\\b\\f\"}")]
    [InlineData("{\"a\":\"\\u001b\\u007f\"}")]
    [InlineData("[1.0,-0,1e5,1E+5,true,null]")]
    [InlineData("{\"k\\u0041\":{}}")]
    public void WriteTo_WritesWhatJsonElementWrites(string json)
    {
        AssertFastPathMatches(Encoding.UTF8.GetBytes(json));
    }

    private static byte[] JsonMarshalRaw(JsonElement element) => System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).ToArray();
}
