using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;

namespace Bridge.Gateway.Tokens;

/// <summary>
/// Width and height of a PNG, JPEG, GIF or WebP image read from the start of its base64 text,
/// decoding only as much as the header needs (JPEG: up to the first SOF segment, which can sit
/// behind large EXIF blocks, so the decoded prefix grows until it is found).
/// </summary>
public static class ImageDimensions
{
    private const int FirstPrefix = 1024;   // base64 characters: 768 bytes, enough for PNG/GIF/WebP
    private const int MaxPrefix = 1 << 20;  // give up on headers deeper than ~768 KB

    /// <summary>Reads the size from base64 UTF-8 text (no JSON escapes). False when it is not a known format.</summary>
    public static bool TryRead(ReadOnlySpan<byte> base64Utf8, out int width, out int height)
    {
        width = height = 0;
        var length = Math.Min(base64Utf8.Length, FirstPrefix);
        byte[]? rented = null;
        try
        {
            while (true)
            {
                var prefix = base64Utf8[..(length & ~3)];
                var needed = Base64.GetMaxDecodedFromUtf8Length(prefix.Length);
                if (rented is null || rented.Length < needed)
                {
                    if (rented is not null)
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }

                    rented = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 16));
                }

                var status = Base64.DecodeFromUtf8(prefix, rented, out _, out var written, isFinalBlock: false);
                if (status == OperationStatus.InvalidData && written == 0)
                {
                    return false;
                }

                var result = TryParse(rented.AsSpan(0, written), out width, out height);
                if (result != ParseResult.NeedMore || length >= base64Utf8.Length || length >= MaxPrefix
                    || status == OperationStatus.InvalidData)
                {
                    return result == ParseResult.Found;
                }

                length = (int)Math.Min(Math.Min((long)length * 8, base64Utf8.Length), MaxPrefix);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private enum ParseResult { Found, NeedMore, Unknown }

    private static ParseResult TryParse(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (data.Length < 12)
        {
            return ParseResult.NeedMore;
        }

        // PNG: signature, then the IHDR chunk: width and height as big-endian uint32 at 16 and 20.
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']))
        {
            if (data.Length < 24)
            {
                return ParseResult.NeedMore;
            }

            width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data[16..]), int.MaxValue);
            height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data[20..]), int.MaxValue);
            return ParseResult.Found;
        }

        // GIF87a/GIF89a: logical screen size, little-endian uint16 at 6 and 8.
        if (data.StartsWith("GIF8"u8))
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
            return ParseResult.Found;
        }

        if (data.StartsWith("RIFF"u8) && data[8..].StartsWith("WEBP"u8))
        {
            return ParseWebP(data, out width, out height);
        }

        if (data[0] == 0xFF && data[1] == 0xD8)
        {
            return ParseJpeg(data, out width, out height);
        }

        return ParseResult.Unknown;
    }

    private static ParseResult ParseWebP(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (data.Length < 30)
        {
            return ParseResult.NeedMore;
        }

        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: frame header after the 3-byte tag and the 9D 01 2A start code; 14-bit sizes.
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF;
            return ParseResult.Found;
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: after the 0x2F signature, 14 bits width-1 then 14 bits height-1.
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            width = (int)(bits & 0x3FFF) + 1;
            height = (int)((bits >> 14) & 0x3FFF) + 1;
            return ParseResult.Found;
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: canvas width-1 and height-1 as 24-bit little-endian at 24 and 27.
            width = (data[24] | (data[25] << 8) | (data[26] << 16)) + 1;
            height = (data[27] | (data[28] << 8) | (data[29] << 16)) + 1;
            return ParseResult.Found;
        }

        return ParseResult.Unknown;
    }

    private static ParseResult ParseJpeg(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        var i = 2;
        while (true)
        {
            // Skip fill bytes up to the marker.
            while (i < data.Length && data[i] == 0xFF && i + 1 < data.Length && data[i + 1] == 0xFF)
            {
                i++;
            }

            if (i + 4 > data.Length)
            {
                return ParseResult.NeedMore;
            }

            if (data[i] != 0xFF)
            {
                return ParseResult.Unknown;
            }

            var marker = data[i + 1];
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2; // no length
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return ParseResult.Unknown; // end of image or start of scan before any frame header
            }

            var segmentLength = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            var isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                if (i + 9 > data.Length)
                {
                    return ParseResult.NeedMore;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                return ParseResult.Found;
            }

            i += 2 + segmentLength;
        }
    }
}
