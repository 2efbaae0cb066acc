using Bridge.Gateway.Json;
using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Bridge.Gateway.Tokens;

/// <summary>
/// Rough cost of a PDF sent to OpenAI as a <c>file</c> part. OpenAI's file-input guide says the
/// model gets both the extracted text and an image of every page, so a page is billed as
/// <list type="bullet">
/// <item>one page image: a US-letter page at 150 dpi (1275x1650) through <see cref="ImageTokenCost"/>
/// (765 tokens on gpt-4o), plus</item>
/// <item><see cref="TextTokensPerPage"/> tokens of extracted text (a medium-density page; the text
/// itself is usually in compressed streams and not read here).</item>
/// </list>
/// Pages are counted from the <c>/Type /Page</c> objects in the decoded bytes; when none are
/// visible (PDF 1.5 object streams) one page per <see cref="BytesPerPageFallback"/> bytes is assumed.
/// This is an estimate, not what the upstream will bill to the token.
/// </summary>
public static class PdfTokenEstimate
{
    public const int TextTokensPerPage = 500;
    public const int PageWidth = 1275;
    public const int PageHeight = 1650;
    public const int BytesPerPageFallback = 50_000;

    /// <summary>Estimate for a base64 PDF given as a JSON string element.</summary>
    public static int Count(TapeElement base64Data, ImageTokenCost images)
    {
        var raw = base64Data.RawStringContent;
        byte[]? escaped = null;
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            escaped = System.Text.Encoding.UTF8.GetBytes(base64Data.GetString()!);
            raw = escaped;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(16, Base64.GetMaxDecodedFromUtf8Length(raw.Length)));
        try
        {
            Base64.DecodeFromUtf8(raw, buffer, out _, out var written);
            var pdf = buffer.AsSpan(0, written);
            var pages = CountPageObjects(pdf);
            if (pages == 0)
            {
                pages = Math.Max(1, (written + BytesPerPageFallback - 1) / BytesPerPageFallback);
            }

            return CountPages(pages, images);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Estimate for <paramref name="pages"/> pages.</summary>
    public static int CountPages(int pages, ImageTokenCost images) =>
        pages * (images.Count(PageWidth, PageHeight) + TextTokensPerPage);

    /// <summary>Occurrences of <c>/Type /Page</c> or <c>/Type/Page</c> not followed by <c>s</c> (which is the page tree).</summary>
    internal static int CountPageObjects(ReadOnlySpan<byte> pdf)
    {
        var pages = 0;
        var rest = pdf;
        while (true)
        {
            var at = rest.IndexOf("/Type"u8);
            if (at < 0)
            {
                return pages;
            }

            rest = rest[(at + 5)..];
            var value = rest.TrimStart(" \r\n\t"u8);
            if (value.StartsWith("/Page"u8) && (value.Length == 5 || !char.IsAsciiLetterOrDigit((char)value[5])))
            {
                pages++;
            }
        }
    }
}
