using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Bridge.Gateway.Json;

/// <summary>
/// A read-only index over a UTF-8 JSON text: one row per token (the position and length of its raw bytes, and for
/// objects and arrays the size of their subtree), over the caller's bytes, which are neither copied nor decoded.
/// What <see cref="JsonDocument"/> is to <see cref="JsonElement"/>, for <see cref="TapeElement"/>, built by
/// <see cref="JsonTapeScanner"/> several times faster on Claude-Code-sized requests: <c>Utf8JsonReader</c> walks a
/// string byte by byte after its first escape, and a coding agent's prompt is long strings full of <c>\n</c> and
/// <c>\"</c>. Strings keep their escapes; a translator copies them as they came and decodes only the few it reads.
/// </summary>
/// <remarks>
/// Accepts exactly what <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> accepts with
/// default options: anything the fast scanner refuses is read again with <see cref="Utf8JsonReader"/>, which either
/// builds the same rows or throws the <see cref="JsonException"/> a client has always been shown.
/// </remarks>
public sealed class JsonTape : IDisposable
{
    /// <summary>System.Text.Json's default nesting limit, which is what clients have been held to.</summary>
    public const int MaxDepth = 64;

    private Row[] _rows;
    private int _count;

    private JsonTape(ReadOnlyMemory<byte> utf8, Row[] rows, int count, bool? isText)
    {
        Utf8 = utf8;
        _rows = rows;
        _count = count;
        IsText = isText;
    }

    /// <summary>The JSON text the rows point into.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>
    /// Whether every string and property name is valid UTF-8 and escapes no lone surrogate, as the scanner found on
    /// its way (what <c>Utf8Check.IsText</c> answers for the whole text); null when the reader built the rows and
    /// nobody looked.
    /// </summary>
    public bool? IsText { get; }

    /// <summary>The top-level value.</summary>
    public TapeElement Root => new(this, 0);

    internal int RowCount => _count;

    internal ref readonly Row RowAt(int index) => ref _rows[index];

    /// <summary>Indexes <paramref name="utf8"/>; throws <see cref="JsonException"/> when it is not one JSON value.</summary>
    public static JsonTape Parse(ReadOnlyMemory<byte> utf8)
    {
        var rows = ArrayPool<Row>.Shared.Rent(InitialRows(utf8.Length));
        if (JsonTapeScanner.TryScan(utf8.Span, ref rows, out var count, out var isText))
        {
            return new JsonTape(utf8, rows, count, isText);
        }

        // The scanner refuses anything it is not sure of; the reader decides, and names the fault as it always has.
        return FromReader(utf8, rows);
    }

    /// <summary>
    /// Builds the rows with <see cref="Utf8JsonReader"/>: the reference the scanner is tested against, and the path
    /// for input the scanner refuses.
    /// </summary>
    internal static JsonTape ParseWithReader(ReadOnlyMemory<byte> utf8) => FromReader(utf8, ArrayPool<Row>.Shared.Rent(InitialRows(utf8.Length)));

    private static JsonTape FromReader(ReadOnlyMemory<byte> utf8, Row[] rows)
    {
        try
        {
            var count = ReadWithReader(utf8.Span, ref rows);
            return new JsonTape(utf8, rows, count, isText: null);
        }
        catch
        {
            ArrayPool<Row>.Shared.Return(rows);
            throw;
        }
    }

    private static int ReadWithReader(ReadOnlySpan<byte> utf8, ref Row[] rows)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        Span<int> open = stackalloc int[MaxDepth + 1];
        var depth = 0;
        var count = 0;
        while (reader.Read())
        {
            var start = (int)reader.TokenStartIndex;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    if (depth > 0 && rows[open[depth - 1]].Kind == JsonValueKind.Array) rows[open[depth - 1]].Count++;
                    Append(ref rows, ref count, new Row(start, 0, reader.TokenType == JsonTokenType.StartObject ? JsonValueKind.Object : JsonValueKind.Array));
                    open[depth++] = count - 1;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    ref var container = ref rows[open[--depth]];
                    container.Length = start + 1 - container.Start;
                    container.Span = count - open[depth];
                    break;
                case JsonTokenType.PropertyName:
                    rows[open[depth - 1]].Count++;
                    Append(ref rows, ref count, new Row(start + 1, reader.ValueSpan.Length, JsonValueKind.String) { Escaped = reader.ValueIsEscaped, IsName = true });
                    break;
                case JsonTokenType.String:
                    if (depth > 0 && rows[open[depth - 1]].Kind == JsonValueKind.Array) rows[open[depth - 1]].Count++;
                    Append(ref rows, ref count, new Row(start + 1, reader.ValueSpan.Length, JsonValueKind.String) { Escaped = reader.ValueIsEscaped });
                    break;
                default:
                    if (depth > 0 && rows[open[depth - 1]].Kind == JsonValueKind.Array) rows[open[depth - 1]].Count++;
                    var kind = reader.TokenType switch
                    {
                        JsonTokenType.Number => JsonValueKind.Number,
                        JsonTokenType.True => JsonValueKind.True,
                        JsonTokenType.False => JsonValueKind.False,
                        _ => JsonValueKind.Null,
                    };
                    Append(ref rows, ref count, new Row(start, reader.ValueSpan.Length, kind));
                    break;
            }
        }

        return count;
    }

    /// <summary>
    /// Rows to rent first. Claude Code and Codex requests run 65-105 bytes per token (long strings), small SDK
    /// requests 8-10; a 150 KB request needs about 1,500 rows. Too few only costs a doubling copy.
    /// </summary>
    private static int InitialRows(int length) => Math.Max(32, length / 64);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Append(ref Row[] rows, ref int count, in Row row)
    {
        if (count == rows.Length) Grow(ref rows);
        rows[count++] = row;
    }

    internal static void Grow(ref Row[] rows)
    {
        var bigger = ArrayPool<Row>.Shared.Rent(rows.Length * 2);
        rows.AsSpan().CopyTo(bigger);
        ArrayPool<Row>.Shared.Return(rows);
        rows = bigger;
    }

    public void Dispose()
    {
        var rows = Interlocked.Exchange(ref _rows, []);
        if (rows.Length > 0) ArrayPool<Row>.Shared.Return(rows);
        _count = 0;
    }

    /// <summary>
    /// One token. Strings (values and property names): <see cref="Start"/> is the first byte after the opening quote
    /// and <see cref="Length"/> the raw, still escaped, content. Numbers and literals: their bytes. Objects and
    /// arrays: from the bracket to the closing one, <see cref="Span"/> rows in their subtree (itself included) and
    /// <see cref="Count"/> members (object: properties; array: items).
    /// </summary>
    internal record struct Row(int Start, int Length, JsonValueKind Kind)
    {
        public int Span = 1;
        public int Count;
        public bool Escaped;
        public bool IsName;
    }
}
