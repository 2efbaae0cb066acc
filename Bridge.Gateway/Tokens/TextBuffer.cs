using Bridge.Gateway.Json;
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Tokens;

/// <summary>
/// One reusable pooled UTF-16 buffer that JSON strings are decoded into straight from the
/// document's raw UTF-8 (no intermediate <see cref="string"/> per prompt block), so joined texts
/// ("a\n\nb") are tokenized as the upstream will see them.
/// </summary>
internal sealed class TextBuffer : IDisposable
{
    private char[] _chars;
    private int _length;

    public TextBuffer(int capacity = 4096) => _chars = ArrayPool<char>.Shared.Rent(capacity);

    public int Length => _length;

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Append(ReadOnlySpan<char> text)
    {
        Reserve(text.Length);
        text.CopyTo(_chars.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>Appends the value of a JSON string element (unescaped).</summary>
    public void AppendString(TapeElement stringElement)
    {
        var raw = stringElement.RawUtf8;
        AppendJsonString(raw, quoted: true);
    }

    /// <summary>Appends a property's name (unescaped).</summary>
    public void AppendName(TapeProperty property) =>
        AppendJsonString(property.RawName, quoted: false);

    /// <summary>Appends the element's JSON text as is (numbers, literals, compact objects).</summary>
    public void AppendRawUtf8(ReadOnlySpan<byte> utf8)
    {
        Reserve(utf8.Length);
        _length += Encoding.UTF8.GetChars(utf8, _chars.AsSpan(_length));
    }

    /// <summary>Drops one trailing '.' (the cookbook's function recipe strips it from descriptions).</summary>
    public void TrimTrailingPeriod(int from)
    {
        if (_length > from && _chars[_length - 1] == '.')
        {
            _length--;
        }
    }

    private void AppendJsonString(ReadOnlySpan<byte> raw, bool quoted)
    {
        var content = quoted ? raw[1..^1] : raw;
        // Unescaped text is never longer (in UTF-16 units) than its escaped UTF-8 form.
        Reserve(content.Length);
        if (content.IndexOf((byte)'\\') < 0)
        {
            _length += Encoding.UTF8.GetChars(content, _chars.AsSpan(_length));
            return;
        }

        if (quoted)
        {
            var reader = new Utf8JsonReader(raw);
            reader.Read();
            _length += reader.CopyString(_chars.AsSpan(_length));
        }
        else
        {
            // Property names come without quotes: wrap them for the reader (rare: escaped names).
            var quotedName = new byte[content.Length + 2];
            quotedName[0] = quotedName[^1] = (byte)'"';
            content.CopyTo(quotedName.AsSpan(1));
            var reader = new Utf8JsonReader(quotedName);
            reader.Read();
            _length += reader.CopyString(_chars.AsSpan(_length));
        }
    }

    private void Reserve(int additional)
    {
        if (_length + additional <= _chars.Length)
        {
            return;
        }

        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, _length + additional));
        _chars.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<char>.Shared.Return(_chars);
        _chars = bigger;
    }

    public void Dispose()
    {
        var chars = _chars;
        _chars = [];
        _length = 0;
        if (chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
