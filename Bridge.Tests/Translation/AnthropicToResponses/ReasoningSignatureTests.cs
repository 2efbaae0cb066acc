using Bridge.Gateway.Translation.AnthropicToResponses;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesTestHelpers;

namespace Bridge.Tests.Translation.AnthropicToResponses;

/// <summary>The signature that carries a Responses reasoning item through an Anthropic client.</summary>
public class ReasoningSignatureTests
{
    // An encrypted_content value as OpenAI returns it (shape from the OpenAI community forum's stateless-reasoning thread).
    private const string Encrypted = "gAAAAABpF-zbM_w==";
    private const string ItemId = "rs_045fb12aa0dfc2ea0069170733badc8197969fd65da2ca2501";

    [Fact]
    public void RoundTrip_GivesBackIdAndEncryptedContent()
    {
        var signature = ReasoningSignature.Encode(ItemId, Encrypted, Key);

        Assert.StartsWith("bridge.rs1.", signature, StringComparison.Ordinal);
        Assert.True(ReasoningSignature.TryDecode(signature, Key, out var id, out var enc));
        Assert.Equal(ItemId, id);
        Assert.Equal(Encrypted, enc);
        Assert.DoesNotContain('+', signature);
        Assert.DoesNotContain('/', signature);
    }

    [Fact]
    public void TamperedPayload_IsRejected()
    {
        var signature = ReasoningSignature.Encode(ItemId, Encrypted, Key);
        var payloadChar = "bridge.rs1.".Length + 5;
        var flipped = signature[payloadChar] == 'A' ? 'B' : 'A';
        var tampered = string.Concat(signature.AsSpan(0, payloadChar), flipped.ToString(), signature.AsSpan(payloadChar + 1));

        Assert.False(ReasoningSignature.TryDecode(tampered, Key, out _, out _));
    }

    [Fact]
    public void TamperedMac_OtherKey_OrSwappedPayload_AreRejected()
    {
        var signature = ReasoningSignature.Encode(ItemId, Encrypted, Key);
        var other = ReasoningSignature.Encode("rs_other", "gAAAAother", Key);
        var dot = signature.LastIndexOf('.');
        var otherDot = other.LastIndexOf('.');

        Assert.False(ReasoningSignature.TryDecode(signature[..^2] + (signature[^2] == 'A' ? "B" : "A") + signature[^1], Key, out _, out _));
        Assert.False(ReasoningSignature.TryDecode(signature, OtherKey, out _, out _));
        Assert.False(ReasoningSignature.TryDecode(other[..otherDot] + signature[dot..], Key, out _, out _));
        Assert.False(ReasoningSignature.TryDecode(signature[..dot], Key, out _, out _));
        Assert.False(ReasoningSignature.TryDecode(signature + "A", Key, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    // The start of a real Anthropic thinking signature (base64 protobuf) and a look-alike with our prefix but no MAC.
    [InlineData("EqQBCkgIARABGAIiQL2U3vHWmLE8aSGsT1Vne6ICsGIwXSY1x0Z7P9L1kEFV")]
    [InlineData("bridge.rs1.eyJpZCI6InJzXzEiLCJlbmMiOiJ4In0")]
    [InlineData("bridge.rs1.eyJpZCI6InJzXzEiLCJlbmMiOiJ4In0.AAAA")]
    public void ForeignOrMalformedSignatures_AreNotOurs(string? signature)
    {
        Assert.False(ReasoningSignature.TryDecode(signature, Key, out var id, out var enc));
        Assert.Equal("", id);
        Assert.Equal("", enc);
    }

    [Fact]
    public void ShortKey_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => ReasoningSignature.Encode(ItemId, Encrypted, new byte[8]));
    }
}
