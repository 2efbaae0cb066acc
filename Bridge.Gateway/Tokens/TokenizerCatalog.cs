using Microsoft.ML.Tokenizers;

namespace Bridge.Gateway.Tokens;

/// <summary>
/// The tiktoken encoding an OpenAI-format upstream model uses, created once per encoding and shared
/// (creation costs 175-260 ms; the tokenizers are thread-safe afterwards).
/// <list type="bullet">
/// <item><c>o200k_base</c>: gpt-4o*, gpt-4.1*, gpt-4.5*, gpt-5* (gpt-5.2-chat included), o1*, o3*,
/// o4*, chatgpt-*.</item>
/// <item><c>cl100k_base</c>: gpt-4 and gpt-4-* (not 4o/4.x), gpt-3.5*, Azure's gpt-35-*, text-embedding-*.</item>
/// <item>Anything else (Ollama models, deployment names, unknown): <c>o200k_base</c>.</item>
/// </list>
/// Names are matched on their last path segment (<c>azure/gpt-4o</c>), without a fine-tune
/// <c>ft:</c> prefix, case-insensitively. The library's own model table is not used: it does not
/// know gpt-5.2* or deployment names.
/// </summary>
public static class TokenizerCatalog
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";

    private static readonly Lazy<Tokenizer> O200k =
        new(() => TiktokenTokenizer.CreateForEncoding(O200kBase), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<Tokenizer> Cl100k =
        new(() => TiktokenTokenizer.CreateForEncoding(Cl100kBase), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared tokenizer for <paramref name="upstreamModel"/>.</summary>
    public static Tokenizer For(string upstreamModel) =>
        IsCl100k(upstreamModel) ? Cl100k.Value : O200k.Value;

    /// <summary><c>o200k_base</c> or <c>cl100k_base</c>.</summary>
    public static string EncodingName(string model) => IsCl100k(model) ? Cl100kBase : O200kBase;

    /// <summary>The model name without provider path and fine-tune prefix: <c>azure/ft:gpt-4o</c> -> <c>gpt-4o</c>.</summary>
    internal static ReadOnlySpan<char> BareName(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = model.AsSpan().Trim();
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        if (name.StartsWith("ft:", StringComparison.OrdinalIgnoreCase))
        {
            name = name[3..];
        }

        return name;
    }

    private static bool IsCl100k(string model)
    {
        var name = BareName(model);
        if (StartsWith(name, "gpt-4o") || StartsWith(name, "gpt-4."))
        {
            return false;
        }

        return name.Equals("gpt-4", StringComparison.OrdinalIgnoreCase)
            || StartsWith(name, "gpt-4-")
            || StartsWith(name, "gpt-3.5")
            || StartsWith(name, "gpt-35")
            || StartsWith(name, "text-embedding-");
    }

    private static bool StartsWith(ReadOnlySpan<char> name, string prefix) =>
        name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}
