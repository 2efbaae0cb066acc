using System.Buffers.Text;
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bridge.Gateway.Json;

/// <summary>
/// A value in a <see cref="JsonTape"/>, with the members of <see cref="JsonElement"/> the gateway uses and their
/// semantics (the last of duplicate properties wins; <see cref="GetString"/> of <c>null</c> is null; the typed
/// getters throw <see cref="InvalidOperationException"/> on the wrong kind). <c>default</c> is
/// <see cref="JsonValueKind.Undefined"/>. Valid while its tape is.
/// </summary>
[DebuggerDisplay("{ValueKind}: {GetRawText()}")]
public readonly struct TapeElement
{
    private readonly JsonTape? _tape;
    private readonly int _row;

    internal TapeElement(JsonTape tape, int row)
    {
        _tape = tape;
        _row = row;
    }

    public JsonValueKind ValueKind => _tape is null ? JsonValueKind.Undefined : Row.Kind;

    private ref readonly JsonTape.Row Row => ref _tape!.RowAt(_row);

    /// <summary>The value's bytes as they are in the text (a string with its quotes), as <c>JsonMarshal.GetRawUtf8Value</c>.</summary>
    public ReadOnlySpan<byte> RawUtf8 => RawMemory.Span;

    /// <summary><see cref="RawUtf8"/> as memory over the text.</summary>
    public ReadOnlyMemory<byte> RawMemory
    {
        get
        {
            ref readonly var row = ref CheckedRow();
            return row.Kind == JsonValueKind.String ? _tape!.Utf8.Slice(row.Start - 1, row.Length + 2) : _tape!.Utf8.Slice(row.Start, row.Length);
        }
    }

    /// <summary>A string's content as it is in the text, escapes kept, quotes left out.</summary>
    public ReadOnlySpan<byte> RawStringContent
    {
        get
        {
            ref readonly var row = ref Require(JsonValueKind.String);
            return _tape!.Utf8.Span.Slice(row.Start, row.Length);
        }
    }

    /// <summary>Whether a string is <c>""</c> (read from its length in the text, without decoding it).</summary>
    public bool IsEmptyString => Require(JsonValueKind.String).Length == 0;

    /// <summary>Whether a string has escapes (when not, <see cref="RawStringContent"/> is its text).</summary>
    public bool IsEscaped => Require(JsonValueKind.String).Escaped;

    public string GetRawText() => Encoding.UTF8.GetString(RawUtf8);

    public string? GetString()
    {
        if (_tape is not null && Row.Kind == JsonValueKind.Null) return null;
        ref readonly var row = ref Require(JsonValueKind.String);
        return Decode(_tape!.Utf8.Span, row);
    }

    /// <summary>
    /// A string's text as a lenient decoder reads it: what is not text (bytes that are not UTF-8, an escaped half of a
    /// surrogate pair without the other half) becomes U+FFFD, where <see cref="GetString"/> throws
    /// (<see cref="JsonStrings"/>). On a tape the scanner found all text, that is <see cref="GetString"/>.
    /// </summary>
    public string GetStringReplacingInvalid() =>
        _tape is { IsText: true } ? GetString()! : JsonStrings.Decode(RawStringContent);

    public bool ValueEquals(string? text)
    {
        if (_tape is not null && Row.Kind == JsonValueKind.Null) return text is null;
        ref readonly var row = ref Require(JsonValueKind.String);
        return text is not null && TextEquals(_tape!.Utf8.Span, row, text);
    }

    public bool ValueEquals(ReadOnlySpan<byte> utf8Text)
    {
        if (_tape is not null && Row.Kind == JsonValueKind.Null) return Unsafe.IsNullRef(ref MemoryMarshal.GetReference(utf8Text)); // a null span, not ""
        ref readonly var row = ref Require(JsonValueKind.String);
        return Utf8Equals(_tape!.Utf8.Span, row, utf8Text);
    }

    public bool GetBoolean() => ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        var other => throw WrongKind(JsonValueKind.True, other),
    };

    public bool TryGetInt32(out int value)
    {
        var bytes = NumberBytes();
        if (Utf8Parser.TryParse(bytes, out value, out var used) && used == bytes.Length) return true;
        value = 0;
        return false;
    }

    public int GetInt32() => TryGetInt32(out var value) ? value : throw new FormatException("The JSON value is not an Int32.");

    public bool TryGetInt64(out long value)
    {
        var bytes = NumberBytes();
        if (Utf8Parser.TryParse(bytes, out value, out var used) && used == bytes.Length) return true;
        value = 0;
        return false;
    }

    public long GetInt64() => TryGetInt64(out var value) ? value : throw new FormatException("The JSON value is not an Int64.");

    public bool TryGetDouble(out double value) =>
        double.TryParse(NumberBytes(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public double GetDouble() => TryGetDouble(out var value) ? value : throw new FormatException("The JSON value is not a Double.");

    public int GetArrayLength() => Require(JsonValueKind.Array).Count;

    public int GetPropertyCount() => Require(JsonValueKind.Object).Count;

    public bool TryGetProperty(string name, out TapeElement value)
    {
        ArgumentNullException.ThrowIfNull(name);
        value = default;
        var found = false;
        foreach (var property in EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    public bool TryGetProperty(ReadOnlySpan<byte> utf8Name, out TapeElement value)
    {
        value = default;
        var found = false;
        foreach (var property in EnumerateObject())
        {
            if (property.NameEquals(utf8Name))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    public TapeElement GetProperty(string name) =>
        TryGetProperty(name, out var value) ? value : throw new KeyNotFoundException($"The JSON object has no property '{name}'.");

    public TapeElement GetProperty(ReadOnlySpan<byte> utf8Name) =>
        TryGetProperty(utf8Name, out var value) ? value : throw new KeyNotFoundException("The JSON object has no such property.");

    public ObjectEnumerator EnumerateObject()
    {
        Require(JsonValueKind.Object);
        return new ObjectEnumerator(_tape!, _row);
    }

    public ArrayEnumerator EnumerateArray()
    {
        Require(JsonValueKind.Array);
        return new ArrayEnumerator(_tape!, _row);
    }

    /// <summary>
    /// Writes the value as <see cref="JsonElement.WriteTo"/> would: re-serialized by the writer (whitespace dropped,
    /// strings unescaped and escaped again by the writer's encoder). Text that would come out the same (compact,
    /// printable ASCII, only the escapes the relaxed encoder writes the same way) is copied as it is.
    /// </summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        var raw = RawUtf8;
        if (ReferenceEquals(writer.Options.Encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) && !writer.Options.Indented && IsWrittenAsIs(raw))
        {
            writer.WriteRawValue(raw, skipInputValidation: true);
            return;
        }

        using var document = JsonDocument.Parse(RawMemory);
        document.RootElement.WriteTo(writer);
    }

    /// <summary>
    /// Whether re-serializing <paramref name="raw"/> (valid JSON) gives it back unchanged: no whitespace between
    /// tokens, nothing outside printable ASCII, and no escapes but <c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>,
    /// <c>\t</c>, <c>\b</c> and <c>\f</c> (a writer writes <c>/</c> and <c>\u</c> escapes its own way).
    /// </summary>
    internal static bool IsWrittenAsIs(ReadOnlySpan<byte> raw)
    {
        var inString = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b is < 0x20 or > 0x7E) return false;
            if (inString)
            {
                if (b == (byte)'"') inString = false;
                else if (b == (byte)'\\')
                {
                    if (raw[++i] is not ((byte)'"' or (byte)'\\' or (byte)'n' or (byte)'r' or (byte)'t' or (byte)'b' or (byte)'f')) return false;
                }
            }
            else if (b == (byte)'"') inString = true;
            else if (b == (byte)' ') return false;
        }

        return true;
    }

    public override string ToString() => ValueKind switch
    {
        JsonValueKind.Undefined => "",
        JsonValueKind.String => GetString()!,
        _ => GetRawText(),
    };

    private ReadOnlySpan<byte> NumberBytes()
    {
        ref readonly var row = ref Require(JsonValueKind.Number);
        return _tape!.Utf8.Span.Slice(row.Start, row.Length);
    }

    private ref readonly JsonTape.Row CheckedRow()
    {
        if (_tape is null) throw new InvalidOperationException("The element is undefined.");
        return ref Row;
    }

    private ref readonly JsonTape.Row Require(JsonValueKind kind)
    {
        ref readonly var row = ref CheckedRow();
        if (row.Kind != kind) throw WrongKind(kind, row.Kind);
        return ref row;
    }

    private static InvalidOperationException WrongKind(JsonValueKind expected, JsonValueKind actual) =>
        new($"The requested operation requires an element of type '{expected}', but the target element has type '{actual}'.");

    internal static string Decode(ReadOnlySpan<byte> text, in JsonTape.Row row)
    {
        var raw = text.Slice(row.Start, row.Length);
        if (!row.Escaped) return Encoding.UTF8.GetString(raw);
        // The reader unescapes exactly as JsonElement does (and refuses the same lone surrogates).
        var reader = new Utf8JsonReader(text.Slice(row.Start - 1, row.Length + 2));
        reader.Read();
        return reader.GetString()!;
    }

    internal static bool TextEquals(ReadOnlySpan<byte> text, in JsonTape.Row row, string value)
    {
        var raw = text.Slice(row.Start, row.Length);
        if (row.Escaped) return Decode(text, row) == value;
        // Without escapes the bytes are the text. ASCII names (nearly all) compare byte to char; others as UTF-8.
        if (raw.Length == value.Length)
        {
            var i = 0;
            while (i < raw.Length && raw[i] < 0x80 && raw[i] == value[i]) i++;
            if (i == raw.Length) return true;
            if (raw[i] < 0x80 && value[i] < 0x80) return false;
        }

        if (raw.Length < value.Length || raw.Length > value.Length * 3) return false;
        Span<byte> buffer = value.Length <= 128 ? stackalloc byte[value.Length * 3] : new byte[value.Length * 3];
        return Encoding.UTF8.TryGetBytes(value, buffer, out var written) && raw.SequenceEqual(buffer[..written]);
    }

    internal static bool Utf8Equals(ReadOnlySpan<byte> text, in JsonTape.Row row, ReadOnlySpan<byte> value)
    {
        var raw = text.Slice(row.Start, row.Length);
        if (!row.Escaped) return raw.SequenceEqual(value);
        var reader = new Utf8JsonReader(text.Slice(row.Start - 1, row.Length + 2));
        reader.Read();
        return reader.ValueTextEquals(value);
    }

    public struct ObjectEnumerator : IEnumerable<TapeProperty>, IEnumerator<TapeProperty>
    {
        private readonly JsonTape _tape;
        private readonly int _objectRow;
        private readonly int _end;
        private int _next;

        internal ObjectEnumerator(JsonTape tape, int objectRow)
        {
            _tape = tape;
            _objectRow = objectRow;
            _end = objectRow + tape.RowAt(objectRow).Span;
            _next = objectRow + 1;
            Current = default;
        }

        public TapeProperty Current { get; private set; }

        object IEnumerator.Current => Current;

        public readonly ObjectEnumerator GetEnumerator() => new(_tape, _objectRow);

        IEnumerator<TapeProperty> IEnumerable<TapeProperty>.GetEnumerator() => GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public bool MoveNext()
        {
            if (_next >= _end) return false;
            Current = new TapeProperty(_tape, _next);
            _next += 1 + _tape.RowAt(_next + 1).Span;
            return true;
        }

        public void Reset() => _next = _objectRow + 1;

        public readonly void Dispose()
        {
        }
    }

    public struct ArrayEnumerator : IEnumerable<TapeElement>, IEnumerator<TapeElement>
    {
        private readonly JsonTape _tape;
        private readonly int _arrayRow;
        private readonly int _end;
        private int _next;

        internal ArrayEnumerator(JsonTape tape, int arrayRow)
        {
            _tape = tape;
            _arrayRow = arrayRow;
            _end = arrayRow + tape.RowAt(arrayRow).Span;
            _next = arrayRow + 1;
            Current = default;
        }

        public TapeElement Current { get; private set; }

        object IEnumerator.Current => Current;

        public readonly ArrayEnumerator GetEnumerator() => new(_tape, _arrayRow);

        IEnumerator<TapeElement> IEnumerable<TapeElement>.GetEnumerator() => GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public bool MoveNext()
        {
            if (_next >= _end) return false;
            Current = new TapeElement(_tape, _next);
            _next += _tape.RowAt(_next).Span;
            return true;
        }

        public void Reset() => _next = _arrayRow + 1;

        public readonly void Dispose()
        {
        }
    }
}

/// <summary>A property of a <see cref="TapeElement"/> object: its name (decoded on demand) and value.</summary>
public readonly struct TapeProperty
{
    private readonly JsonTape _tape;
    private readonly int _nameRow;

    internal TapeProperty(JsonTape tape, int nameRow)
    {
        _tape = tape;
        _nameRow = nameRow;
    }

    public string Name => TapeElement.Decode(_tape.Utf8.Span, _tape.RowAt(_nameRow));

    public TapeElement Value => new(_tape, _nameRow + 1);

    /// <summary>The name as it is in the text (escapes kept).</summary>
    public ReadOnlySpan<byte> RawName
    {
        get
        {
            ref readonly var row = ref _tape.RowAt(_nameRow);
            return _tape.Utf8.Span.Slice(row.Start, row.Length);
        }
    }

    /// <summary>Writes the property as <see cref="JsonProperty.WriteTo"/> would: name and value re-serialized by the writer.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WritePropertyName(Name);
        Value.WriteTo(writer);
    }

    public bool NameEquals(string text) => TapeElement.TextEquals(_tape.Utf8.Span, _tape.RowAt(_nameRow), text);

    public bool NameEquals(ReadOnlySpan<byte> utf8Text) => TapeElement.Utf8Equals(_tape.Utf8.Span, _tape.RowAt(_nameRow), utf8Text);
}
