using Bridge.Gateway.Translation;

namespace Bridge.Tests.Translation;

public class ToolNamesAndIdsTests
{
    [Theory]
    [InlineData("Read", true)]
    [InlineData("mcp__github__create_issue", true)]
    [InlineData("has.dot", false)]
    [InlineData("has space", false)]
    [InlineData("", false)]
    public void ToolNameMap_ValidNamesAreKept_InvalidOnesRenamed(string name, bool kept)
    {
        Assert.Equal(kept, ToolNameMap.IsValidOpenAIName(name));
        if (name.Length == 0)
        {
            return;
        }

        var map = new ToolNameMap();
        var upstream = map.ToUpstream(name);
        Assert.Equal(kept, upstream == name);
        Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", upstream);
        Assert.Equal(name, map.ToClient(upstream));
    }

    [Fact]
    public void ToolNameMap_LongNames_SharingAPrefix_GetDistinctStableNames()
    {
        var a = new string('a', 70) + "_one";
        var b = new string('a', 70) + "_two";
        var map = new ToolNameMap();
        var upA = map.ToUpstream(a);
        var upB = map.ToUpstream(b);
        Assert.NotEqual(upA, upB);
        Assert.Equal(upA, new ToolNameMap().ToUpstream(a)); // same in every request
        Assert.Equal(64, upA.Length);
        Assert.Equal(2, map.Count);
        Assert.Equal("unknown_tool", map.ToClient("unknown_tool"));
    }

    [Theory]
    [InlineData("call_K6FBD04InTGTtS3cnuSyCRSv", "toolu_bridge_call_K6FBD04InTGTtS3cnuSyCRSv")]
    [InlineData("toolu_01A", "toolu_01A")]
    [InlineData("chatcmpl-tool-1", "toolu_bridge_chatcmpl-tool-1")]
    public void ToolCallIds_UpstreamIds_GetToolUPrefix_AndRoundTrip(string upstream, string client)
    {
        Assert.Equal(client, ToolCallIds.ToClient(upstream));
        Assert.Equal(upstream, ToolCallIds.ToUpstream(client));
    }

    [Fact]
    public void ToolCallIds_OddCharacters_AreEncodedReversibly()
    {
        var client = ToolCallIds.ToClient("fc:1/2");
        Assert.Matches("^toolu_[A-Za-z0-9_-]+$", client);
        Assert.Equal("fc:1/2", ToolCallIds.ToUpstream(client));
    }

    [Fact]
    public void ToolCallIds_ClientIdsTooLongForOpenAI_AreHashedDeterministically()
    {
        var longId = "toolu_" + new string('z', 60);
        var upstream = ToolCallIds.ToUpstream(longId);
        Assert.Equal(40, upstream.Length);
        Assert.StartsWith("call_", upstream, StringComparison.Ordinal);
        Assert.Equal(upstream, ToolCallIds.ToUpstream(longId));
    }

    [Theory]
    [InlineData("gpt-5", true)]
    [InlineData("gpt-5-mini", true)]
    [InlineData("azure/gpt-5.1-codex", true)]
    [InlineData("o1", true)]
    [InlineData("o3-mini", true)]
    [InlineData("o4-mini-2025-04-16", true)]
    [InlineData("gpt-5-chat-latest", false)]
    [InlineData("gpt-4o", false)]
    [InlineData("gpt-4.1-mini", false)]
    [InlineData("omni-moderation", false)]
    public void OpenAITarget_LooksLikeReasoningModel(string model, bool expected)
    {
        Assert.Equal(expected, OpenAITarget.LooksLikeReasoningModel(model));
    }
}
