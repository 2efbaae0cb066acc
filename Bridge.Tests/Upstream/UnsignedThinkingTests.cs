using Bridge.Tests.Infrastructure;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Upstream;

namespace Bridge.Tests.Upstream;

public sealed class UnsignedThinkingTests
{
    private static string Strip(string body)
    {
        Assert.True(UnsignedThinking.MayBePresent(Encoding.UTF8.GetBytes(body)));
        using var document = JsonDocument.Parse(body);
        using var output = new PooledBufferWriter(1024);
        UnsignedThinking.Strip(TestTapes.Of(document.RootElement), "claude-up", output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void SpacedJson_IsRecognised_AndOnlyTheUnsignedBlockGoes()
    {
        var body = """{"model": "alias", "messages": [{"role": "assistant", "content": [{"type": "thinking", "thinking": "x", "signature": ""}, {"type": "text", "text": "hi"}]}], "max_tokens": 5}""";

        Assert.Equal("""{"model":"claude-up","messages":[{"role":"assistant","content":[{"type": "text", "text": "hi"}]}],"max_tokens":5}""", Strip(body));
    }

    [Fact]
    public void AMessageWithNothingElse_KeepsItsBlock()
    {
        var body = """{"model":"alias","messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"x","signature":""}]}]}""";

        Assert.Equal("""{"model":"claude-up","messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"x","signature":""}]}]}""", Strip(body));
    }

    [Fact]
    public void SignedBlocksAndOtherTypes_AreNotTouched()
    {
        Assert.False(UnsignedThinking.MayBePresent("""{"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"x","signature":"EqQB"}]}]}"""u8));
    }
}
