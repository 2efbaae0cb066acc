using System.Text;
using Bridge.Gateway.Tokens;

namespace Bridge.Tests.Tokens;

public sealed class ImageDimensionsTests
{
    private static (bool, int, int) Read(byte[] image)
    {
        var found = ImageDimensions.TryRead(Encoding.ASCII.GetBytes(Convert.ToBase64String(image)), out var w, out var h);
        return (found, w, h);
    }

    [Fact]
    public void TryRead_Png() => Assert.Equal((true, 1920, 1080), Read(TestImages.Png(1920, 1080)));

    [Fact]
    public void TryRead_Gif() => Assert.Equal((true, 320, 200), Read(TestImages.Gif(320, 200)));

    [Fact]
    public void TryRead_JpegAfterSmallExif() => Assert.Equal((true, 4032, 3024), Read(TestImages.Jpeg(4032, 3024)));

    [Fact]
    public void TryRead_JpegBehindLargeExif_DecodesFurther() =>
        Assert.Equal((true, 640, 480), Read(TestImages.Jpeg(640, 480, exifBytes: 60_000)));

    [Theory]
    [InlineData("VP8 ", 1000, 700)]
    [InlineData("VP8L", 16383, 2)]
    [InlineData("VP8X", 5000, 3000)]
    public void TryRead_WebP(string kind, int width, int height) =>
        Assert.Equal((true, width, height), Read(TestImages.WebP(width, height, kind)));

    [Fact]
    public void TryRead_UnknownFormat_False() =>
        Assert.False(Read(Encoding.ASCII.GetBytes("<svg xmlns='http://www.w3.org/2000/svg'/>")).Item1);

    [Fact]
    public void TryRead_NotBase64_False() =>
        Assert.False(ImageDimensions.TryRead("!!!!not base64!!!!"u8, out _, out _));

    [Theory]
    [InlineData("gpt-4.1-mini", 1024, 1024, 1659)]  // 32x32 patches = 1024, x1.62 = 1658.9
    [InlineData("gpt-4.1-mini", 1800, 2400, 2353)]  // OpenAI's example: scaled to 1056x1408 = 1452 patches, x1.62
    [InlineData("o4-mini", 128, 64, 14)]            // 4x2 patches x1.72 = 13.8
    [InlineData("gpt-5-nano", 4000, 4000, 3742)]    // over 1536: scaled to 39x39 = 1521 patches, x2.46
    public void ImageTokenCost_PatchModels(string model, int width, int height, int expected) =>
        Assert.Equal(expected, ImageTokenCost.ForModel(model).Count(width, height));

    [Fact]
    public void ImageTokenCost_LowDetail_BaseOnly() =>
        Assert.Equal(85, ImageTokenCost.ForModel("gpt-4o").Count(4000, 3000, lowDetail: true));
}
