using Bridge.Gateway.Tokens;

namespace Bridge.Tests.Tokens;

public sealed class TokenizerCatalogTests
{
    [Theory]
    [InlineData("gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-mini-2024-07-18", "o200k_base")]
    [InlineData("gpt-4.1", "o200k_base")]
    [InlineData("gpt-4.5-preview", "o200k_base")]
    [InlineData("gpt-5", "o200k_base")]
    [InlineData("gpt-5.2-chat", "o200k_base")]
    [InlineData("azure/gpt-5.2-chat", "o200k_base")]
    [InlineData("o1-preview", "o200k_base")]
    [InlineData("o3", "o200k_base")]
    [InlineData("o4-mini", "o200k_base")]
    [InlineData("chatgpt-4o-latest", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-turbo", "cl100k_base")]
    [InlineData("GPT-4-0613", "cl100k_base")]
    [InlineData("openai/gpt-3.5-turbo", "cl100k_base")]
    [InlineData("gpt-35-turbo", "cl100k_base")]
    [InlineData("text-embedding-3-small", "cl100k_base")]
    [InlineData("llama3.1:8b", "o200k_base")]
    [InlineData("my-prod-deployment", "o200k_base")]
    public void EncodingName_MapsModelFamilies(string model, string encoding)
    {
        Assert.Equal(encoding, TokenizerCatalog.EncodingName(model));
    }

    [Fact]
    public void For_SameEncoding_SameCachedInstance()
    {
        Assert.Same(TokenizerCatalog.For("gpt-4o"), TokenizerCatalog.For("gpt-5.2-chat"));
        Assert.Same(TokenizerCatalog.For("gpt-4"), TokenizerCatalog.For("gpt-3.5-turbo"));
        Assert.NotSame(TokenizerCatalog.For("gpt-4o"), TokenizerCatalog.For("gpt-4"));
    }

    [Fact]
    public void For_PicksTheRightVocabulary()
    {
        // o200k and cl100k split this sentence differently.
        const string text = "Bonjour, ceci est une phrase en français avec des accents: éèêà.";
        var o200k = TokenizerCatalog.For("gpt-4o").CountTokens(text);
        var cl100k = TokenizerCatalog.For("gpt-4").CountTokens(text);

        Assert.NotEqual(o200k, cl100k);
        Assert.Equal(o200k, TokenizerCatalog.For("gpt-5.2-chat").CountTokens(text));
    }
}
