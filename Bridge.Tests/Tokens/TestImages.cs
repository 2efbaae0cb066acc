using System.Buffers.Binary;
using System.Text;

namespace Bridge.Tests.Tokens;

/// <summary>Tiny images with real headers (pixel data is not needed to read a size).</summary>
internal static class TestImages
{
    /// <summary>PNG signature, IHDR chunk (8-bit RGBA) and IEND.</summary>
    public static byte[] Png(int width, int height)
    {
        var bytes = new byte[8 + 25 + 12];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 13);
        "IHDR"u8.CopyTo(bytes.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8; // bit depth
        bytes[25] = 6; // RGBA
        "IEND"u8.CopyTo(bytes.AsSpan(8 + 25 + 4));
        return bytes;
    }

    /// <summary>GIF89a logical screen descriptor.</summary>
    public static byte[] Gif(int width, int height)
    {
        var bytes = new byte[16];
        "GIF89a"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)height);
        return bytes;
    }

    /// <summary>SOI, an APP1 segment of <paramref name="exifBytes"/> bytes, a DQT segment, then SOF2 (progressive).</summary>
    public static byte[] Jpeg(int width, int height, int exifBytes = 100)
    {
        var stream = new MemoryStream();
        stream.Write([0xFF, 0xD8]);
        stream.Write([0xFF, 0xE1, (byte)((exifBytes + 2) >> 8), (byte)(exifBytes + 2)]);
        stream.Write(new byte[exifBytes]);
        stream.Write([0xFF, 0xDB, 0x00, 0x04, 0x00, 0x00]);
        stream.Write([0xFF, 0xC2, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03]);
        stream.Write(new byte[12]);
        stream.Write([0xFF, 0xD9]);
        return stream.ToArray();
    }

    /// <summary>WebP with a VP8 (lossy), VP8L (lossless) or VP8X (extended) first chunk.</summary>
    public static byte[] WebP(int width, int height, string kind)
    {
        var bytes = new byte[40];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 32);
        "WEBP"u8.CopyTo(bytes.AsSpan(8));
        Encoding.ASCII.GetBytes(kind).CopyTo(bytes, 12);
        switch (kind)
        {
            case "VP8 ":
                bytes[23] = 0x9D; bytes[24] = 0x01; bytes[25] = 0x2A;
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(26), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(28), (ushort)height);
                break;
            case "VP8L":
                bytes[20] = 0x2F;
                var bits = (uint)(width - 1) | ((uint)(height - 1) << 14);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(21), bits);
                break;
            case "VP8X":
                bytes[24] = (byte)(width - 1); bytes[25] = (byte)((width - 1) >> 8); bytes[26] = (byte)((width - 1) >> 16);
                bytes[27] = (byte)(height - 1); bytes[28] = (byte)((height - 1) >> 8); bytes[29] = (byte)((height - 1) >> 16);
                break;
        }

        return bytes;
    }

    /// <summary>A minimal PDF with <paramref name="pages"/> uncompressed page objects.</summary>
    public static byte[] Pdf(int pages)
    {
        var builder = new StringBuilder("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
        builder.Append("2 0 obj << /Type /Pages /Count ").Append(pages).Append(" /Kids [] >> endobj\n");
        for (var i = 0; i < pages; i++)
        {
            builder.Append(3 + i).Append(" 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n");
        }

        builder.Append("%%EOF\n");
        return Encoding.ASCII.GetBytes(builder.ToString());
    }
}
