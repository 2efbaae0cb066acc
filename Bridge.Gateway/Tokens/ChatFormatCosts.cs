namespace Bridge.Gateway.Tokens;

/// <summary>
/// Fixed token overheads of OpenAI's chat format, as given in the OpenAI cookbook notebook
/// "How to count tokens with tiktoken" (openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb):
/// <list type="bullet">
/// <item>Messages: every message costs 3 tokens of framing plus its role and content; a <c>name</c>
/// field costs 1 more; the reply is primed with 3 tokens (<c>&lt;|start|&gt;assistant&lt;|message|&gt;</c>).
/// Same for the gpt-4, gpt-3.5 (after 0301) and gpt-4o families.</item>
/// <item>Tool (function) definitions: each function costs a fixed start plus the tokens of
/// <c>name:description</c>; a function with properties adds a fixed amount, then each property a
/// fixed amount plus <c>key:type:description</c>; an enum adds a (negative) start and, per value,
/// a fixed amount plus the value's tokens; the whole tool list ends with a fixed amount. Trailing
/// periods of descriptions are not counted. The notebook's constants: gpt-4o/gpt-4o-mini function
/// start 7, gpt-4/gpt-3.5 function start 10; property start 3, property 3, enum start -3, enum value 3
/// and end 12 for both. The notebook measured them on gpt-4o; newer o200k models (4.1, 5.x, o-series)
/// are assumed to frame tools the same way.</item>
/// </list>
/// </summary>
public sealed record ChatFormatCosts
{
    public int TokensPerMessage { get; init; } = 3;
    public int TokensPerName { get; init; } = 1;
    public int ReplyPriming { get; init; } = 3;

    public int FunctionInit { get; init; }
    public int PropertyInit { get; init; } = 3;
    public int PropertyKey { get; init; } = 3;
    public int EnumInit { get; init; } = -3;
    public int EnumItem { get; init; } = 3;
    public int FunctionEnd { get; init; } = 12;

    /// <summary>gpt-4o family (o200k_base models).</summary>
    public static ChatFormatCosts O200k { get; } = new() { FunctionInit = 7 };

    /// <summary>gpt-4 and gpt-3.5-turbo (cl100k_base models).</summary>
    public static ChatFormatCosts Cl100k { get; } = new() { FunctionInit = 10 };

    public static ChatFormatCosts ForModel(string upstreamModel) =>
        TokenizerCatalog.EncodingName(upstreamModel) == TokenizerCatalog.Cl100kBase ? Cl100k : O200k;
}
