using Bridge.Tests.Infrastructure;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Tokens;

namespace Bridge.Tests.Tokens;

public sealed class LocalTokenCounterTests
{
    private const string Model = "gpt-4o";

    private static JsonElement LargestClaudeCodeRequest() =>
        Fixtures.AnthropicRequestBodies().Where(c => c.Name.StartsWith("cc-", StringComparison.Ordinal))
            .MaxBy(c => c.Body.GetRawText().Length).Body;

    private static JsonElement With(JsonElement body, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(body.GetRawText())!.AsObject();
        change(node);
        return CraftedRequests.Parse(node);
    }

    [Fact]
    public void CountAnthropicRequest_SameBody_SameCountEveryTimeAndOnEveryThread()
    {
        var body = LargestClaudeCodeRequest();
        var first = LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(body), Model);
        var counts = new int[16];
        Parallel.For(0, counts.Length, i => counts[i] = LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(body), Model));

        Assert.True(first > 10_000, $"a Claude Code request is tens of thousands of tokens, got {first}");
        Assert.All(counts, c => Assert.Equal(first, c));
        Assert.Equal(first, LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(body), Model));
    }

    [Fact]
    public void CountAnthropicRequest_EmptyToolsArray_CountsLikeNoTools()
    {
        var withTools = CraftedRequests.ToolUseAndResult();
        var emptyTools = With(withTools, n => n["tools"] = new JsonArray());
        var noTools = With(withTools, n => n.Remove("tools"));

        var empty = LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(emptyTools), Model);
        Assert.Equal(LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(noTools), Model), empty);
        Assert.Equal(LocalTokenCounterAccuracyTests.Reference(emptyTools, Model), empty);
        Assert.True(LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(withTools), Model) > empty + 40, "two tool definitions cost tokens");
    }

    [Fact]
    public void CountAnthropicRequest_NoSystem_MatchesReferenceAndSystemAddsOneMessage()
    {
        var body = CraftedRequests.Parse(new JsonObject
        {
            ["model"] = "m",
            ["max_tokens"] = 10,
            ["messages"] = new JsonArray { CraftedRequests.User("hello there") },
        });
        var withSystem = With(body, n => n["system"] = "Be brief.");

        var count = LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(body), Model);
        Assert.Equal(LocalTokenCounterAccuracyTests.Reference(body, Model), count);
        // 3 framing + "user" + "hello there" (2) + 3 priming.
        Assert.Equal(3 + 1 + 2 + 3, count);
        // + 3 framing + "system" + "Be brief." (3).
        Assert.Equal(count + 3 + 1 + 3, LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(withSystem), Model));
    }

    [Fact]
    public void CountAnthropicRequest_CountTokensFixture_MatchesReferenceExactly()
    {
        var (_, body) = Fixtures.AnthropicRequestBodies().First(c => c.Name.Contains("count_tokens", StringComparison.Ordinal));

        Assert.Equal(LocalTokenCounterAccuracyTests.Reference(body, Model), LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(body), Model));
    }

    [Fact]
    public void CountAnthropicRequest_ThinkingBlocksAndBillingHeader_NotCounted()
    {
        var plain = CraftedRequests.Parse(new JsonObject
        {
            ["model"] = "m",
            ["system"] = new JsonArray { CraftedRequests.Text("You are terse.") },
            ["messages"] = new JsonArray
            {
                CraftedRequests.User("hi"),
                new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray { CraftedRequests.Text("hello") } },
            },
        });
        var decorated = With(plain, n =>
        {
            n["system"]!.AsArray().Insert(0, CraftedRequests.Text("x-anthropic-billing-header: cc_version=2.1.197"));
            n["messages"]![1]!["content"]!.AsArray().Insert(0, new JsonObject { ["type"] = "thinking", ["thinking"] = "long hidden reasoning", ["signature"] = "abc" });
        });

        Assert.Equal(LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(plain), Model), LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(decorated), Model));
    }

    [Theory]
    [InlineData(800, 600, "gpt-4o", 85 + (170 * 4))]          // 2x2 tiles, no scaling
    [InlineData(3000, 1000, "gpt-4o", 85 + (170 * 8))]        // -> 2048x683 -> 4x2 tiles
    [InlineData(1024, 1024, "gpt-4o", 765)]                   // OpenAI's example: -> 768x768
    [InlineData(2048, 4096, "gpt-4o", 1105)]                  // OpenAI's example: -> 768x1536
    [InlineData(800, 600, "gpt-5.2-chat", 70 + (140 * 4))]
    [InlineData(800, 600, "gpt-4o-mini", 2833 + (5667 * 4))]
    [InlineData(800, 600, "o3", 75 + (150 * 4))]
    public void CountAnthropicRequest_Image_AddsTileCostFromPngHeader(int width, int height, string model, int expected)
    {
        var textOnly = CraftedRequests.Parse(new JsonObject
        {
            ["model"] = "m",
            ["messages"] = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = new JsonArray { CraftedRequests.Text("look") } } },
        });
        var withImage = With(textOnly, n => n["messages"]![0]!["content"]!.AsArray().Add(CraftedRequests.Image(TestImages.Png(width, height))));

        var delta = LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(withImage), model) - LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(textOnly), model);

        Assert.Equal(expected, delta);
    }

    [Fact]
    public void CountAnthropicRequest_UrlImage_AssumesA1024Square()
    {
        var body = CraftedRequests.Parse(new JsonObject
        {
            ["model"] = "m",
            ["messages"] = new JsonArray
            {
                new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = new JsonArray
                    {
                        new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "url", ["url"] = "https://example.com/a.png" } },
                    },
                },
            },
        });

        // 3 framing + "user" + 765 image + 3 priming.
        Assert.Equal(3 + 1 + 765 + 3, LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(body), Model));
    }

    [Fact]
    public void CountAnthropicRequest_Pdf_CostsPerPage()
    {
        JsonElement Pdf(int pages) => CraftedRequests.Parse(new JsonObject
        {
            ["model"] = "m",
            ["messages"] = new JsonArray
            {
                new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = new JsonArray
                    {
                        new JsonObject
                        {
                            ["type"] = "document",
                            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "application/pdf", ["data"] = Convert.ToBase64String(TestImages.Pdf(pages)) },
                        },
                    },
                },
            },
        });

        var one = LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(Pdf(1)), Model);
        var four = LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(Pdf(4)), Model);

        // A letter page image is 2x2 tiles (765) plus 500 text tokens.
        Assert.Equal(3 * (765 + PdfTokenEstimate.TextTokensPerPage), four - one);
    }

    [Fact]
    public void CountAnthropicRequest_ServerToolsOnly_CostNothing()
    {
        var body = CraftedRequests.Parse(new JsonObject
        {
            ["model"] = "m",
            ["messages"] = new JsonArray { CraftedRequests.User("search") },
            ["tools"] = new JsonArray { new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" } },
        });
        var noTools = With(body, n => n.Remove("tools"));

        Assert.Equal(LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(noTools), Model), LocalTokenCounter.CountAnthropicRequest(TestTapes.Of(body), Model));
    }
}
