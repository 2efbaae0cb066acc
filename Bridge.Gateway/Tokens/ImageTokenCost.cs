namespace Bridge.Gateway.Tokens;

/// <summary>
/// What one image costs an OpenAI vision model, after OpenAI's vision guide ("Calculating costs").
/// Two schemes, chosen by model:
/// <list type="bullet">
/// <item>Tiles (<c>detail: high</c>): fit inside 2048x2048, then shrink so the shorter side is at most
/// 768 px, count 512 px tiles; cost = base + tiles x per-tile. <c>detail: low</c> costs the base only.
/// Constants: gpt-4o, gpt-4.1, gpt-4.5 and unknown models 85/170; gpt-4o-mini 2833/5667;
/// o1*, o3* 75/150; gpt-5* (gpt-5.2-chat included) 70/140; computer-use-preview 65/129.</item>
/// <item>Patches: 32 px patches, at most 1536 (the image is scaled down until it fits), times a
/// per-model multiplier: gpt-4.1-mini and gpt-5-mini 1.62, gpt-4.1-nano and gpt-5-nano 2.46, o4-mini 1.72.
/// Detail does not change the cost.</item>
/// </list>
/// Images are never scaled up. Community measurements (OpenAI forum) of a 128x64 image agree with
/// these constants: gpt-4o/4.1 one tile (255 + text), o3 one tile (225 + text), gpt-4o-mini 8500 + text.
/// </summary>
public readonly record struct ImageTokenCost
{
    private const int TileSize = 512;
    private const int FitBox = 2048;
    private const int ShortSide = 768;
    private const int PatchSize = 32;
    private const int MaxPatches = 1536;

    /// <summary>Size assumed when the image's size is unknown (URL images, unreadable headers): a
    /// 1024x1024 square, i.e. 4 tiles (765 tokens on gpt-4o) or 1024 patches.</summary>
    public const int AssumedWidth = 1024;

    /// <inheritdoc cref="AssumedWidth"/>
    public const int AssumedHeight = 1024;

    public int BaseTokens { get; init; }
    public int TileTokens { get; init; }

    /// <summary>Non-zero for patch-based models.</summary>
    public double PatchMultiplier { get; init; }

    public static ImageTokenCost ForModel(string upstreamModel)
    {
        var name = TokenizerCatalog.BareName(upstreamModel);
        if (Is(name, "gpt-4.1-mini") || Is(name, "gpt-5-mini"))
        {
            return Patches(1.62);
        }

        if (Is(name, "gpt-4.1-nano") || Is(name, "gpt-5-nano"))
        {
            return Patches(2.46);
        }

        if (Is(name, "o4-mini") || Is(name, "codex-mini"))
        {
            return Patches(1.72);
        }

        if (Is(name, "gpt-4o-mini"))
        {
            return Tiles(2833, 5667);
        }

        if (Is(name, "o1") || Is(name, "o3"))
        {
            return Tiles(75, 150);
        }

        if (Is(name, "gpt-5"))
        {
            return Tiles(70, 140);
        }

        if (Is(name, "computer-use-preview"))
        {
            return Tiles(65, 129);
        }

        return Tiles(85, 170);
    }

    /// <summary>Tokens for a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public int Count(int width, int height, bool lowDetail = false)
    {
        if (width <= 0 || height <= 0)
        {
            (width, height) = (AssumedWidth, AssumedHeight);
        }

        return PatchMultiplier > 0 ? CountPatches(width, height) : CountTiles(width, height, lowDetail);
    }

    private int CountTiles(int width, int height, bool lowDetail)
    {
        if (lowDetail)
        {
            return BaseTokens;
        }

        double w = width, h = height;
        if (w > FitBox || h > FitBox)
        {
            var fit = FitBox / Math.Max(w, h);
            w *= fit;
            h *= fit;
        }

        if (Math.Min(w, h) > ShortSide)
        {
            var shrink = ShortSide / Math.Min(w, h);
            w *= shrink;
            h *= shrink;
        }

        // Round the scaled sides to whole pixels before tiling (a 1365.33 px side is 1365 px).
        var tiles = Tiles(Math.Round(w)) * Tiles(Math.Round(h));
        return BaseTokens + (TileTokens * tiles);

        static int Tiles(double side) => Math.Max(1, (int)Math.Ceiling(side / TileSize));
    }

    private int CountPatches(int width, int height)
    {
        long patches = Patches(width) * (long)Patches(height);
        if (patches > MaxPatches)
        {
            // Scale to the patch budget, then a bit more so whole patches fit along the width.
            double w = width, h = height;
            var shrink = Math.Sqrt(PatchSize * PatchSize * MaxPatches / (w * h));
            var fitWidth = Math.Floor(w * shrink / PatchSize) / (w * shrink / PatchSize);
            shrink *= fitWidth;
            patches = Math.Min(MaxPatches, Patches((int)(w * shrink)) * (long)Patches((int)(h * shrink)));
        }

        return (int)Math.Ceiling(patches * PatchMultiplier);

        static int Patches(int side) => Math.Max(1, (side + PatchSize - 1) / PatchSize);
    }

    private static ImageTokenCost Tiles(int baseTokens, int tileTokens) =>
        new() { BaseTokens = baseTokens, TileTokens = tileTokens };

    private static ImageTokenCost Patches(double multiplier) => new() { PatchMultiplier = multiplier };

    private static bool Is(ReadOnlySpan<char> name, string family) =>
        name.StartsWith(family, StringComparison.OrdinalIgnoreCase);
}
