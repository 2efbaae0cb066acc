using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Bridge.Gateway.Upstream.Aws;

/// <summary>
/// One message of AWS's binary event-stream framing (<c>application/vnd.amazon.eventstream</c>), as Bedrock's
/// <c>invoke-with-response-stream</c> sends it: a 12-byte prelude (total length, headers length, the prelude's CRC32),
/// typed headers, the payload, and the whole message's CRC32. All integers are big-endian.
/// </summary>
public sealed class EventStreamMessage
{
    /// <summary>Prelude (12 bytes) and trailing CRC (4 bytes).</summary>
    public const int Overhead = 16;

    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public required ReadOnlyMemory<byte> Payload { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The total length a message starting with <paramref name="prelude"/> (at least 12 bytes) claims, after checking the prelude's CRC.</summary>
    public static int TotalLength(ReadOnlySpan<byte> prelude)
    {
        var total = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headers = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]) != Crc32.HashToUInt32(prelude[..8]))
            throw new InvalidDataException("event-stream prelude CRC mismatch");
        if (total < Overhead || headers > total - Overhead || total > int.MaxValue)
            throw new InvalidDataException($"event-stream message length {total} (headers {headers}) is not valid");
        return (int)total;
    }

    /// <summary>Decodes one whole message (exactly <see cref="TotalLength"/> bytes), checking both CRCs.</summary>
    public static EventStreamMessage Decode(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        var total = TotalLength(span);
        if (span.Length != total) throw new InvalidDataException("event-stream message is cut short");
        if (BinaryPrimitives.ReadUInt32BigEndian(span[(total - 4)..]) != Crc32.HashToUInt32(span[..(total - 4)]))
            throw new InvalidDataException("event-stream message CRC mismatch");
        var headersLength = (int)BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var h = span.Slice(12, headersLength);
        while (!h.IsEmpty)
        {
            var nameLength = h[0];
            var name = Encoding.UTF8.GetString(h.Slice(1, nameLength));
            h = h[(1 + nameLength)..];
            var type = h[0];
            h = h[1..];
            switch (type)
            {
                case 0: headers[name] = "true"; break;
                case 1: headers[name] = "false"; break;
                case 2: headers[name] = ((sbyte)h[0]).ToString(System.Globalization.CultureInfo.InvariantCulture); h = h[1..]; break;
                case 3: headers[name] = BinaryPrimitives.ReadInt16BigEndian(h).ToString(System.Globalization.CultureInfo.InvariantCulture); h = h[2..]; break;
                case 4: headers[name] = BinaryPrimitives.ReadInt32BigEndian(h).ToString(System.Globalization.CultureInfo.InvariantCulture); h = h[4..]; break;
                case 5 or 8: headers[name] = BinaryPrimitives.ReadInt64BigEndian(h).ToString(System.Globalization.CultureInfo.InvariantCulture); h = h[8..]; break;
                case 6 or 7:
                    var length = BinaryPrimitives.ReadUInt16BigEndian(h);
                    headers[name] = type == 7 ? Encoding.UTF8.GetString(h.Slice(2, length)) : Convert.ToBase64String(h.Slice(2, length));
                    h = h[(2 + length)..];
                    break;
                case 9: headers[name] = new Guid(h[..16], bigEndian: true).ToString(); h = h[16..]; break;
                default: throw new InvalidDataException($"event-stream header '{name}' has unknown type {type}");
            }
        }
        return new EventStreamMessage { Headers = headers, Payload = message.Slice(12 + headersLength, total - Overhead - headersLength) };
    }

    /// <summary>Encodes a message with string headers (what Bedrock sends; the fake upstreams use it too).</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> payload)
    {
        var h = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            var n = Encoding.UTF8.GetBytes(name);
            var v = Encoding.UTF8.GetBytes(value);
            h.WriteByte((byte)n.Length);
            h.Write(n);
            h.WriteByte(7);
            h.WriteByte((byte)(v.Length >> 8));
            h.WriteByte((byte)v.Length);
            h.Write(v);
        }
        var headerBytes = h.ToArray();
        var total = Overhead + headerBytes.Length + payload.Length;
        var message = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headerBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.HashToUInt32(message.AsSpan(0, 8)));
        headerBytes.CopyTo(message.AsSpan(12));
        payload.CopyTo(message.AsSpan(12 + headerBytes.Length));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32.HashToUInt32(message.AsSpan(0, total - 4)));
        return message;
    }
}
