using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Protocols.OpenAI;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation;

public class ErrorEnvelopeTests
{
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(529, "overloaded_error")]
    [InlineData(422, "invalid_request_error")]
    [InlineData(502, "api_error")]
    public void AnthropicErrors_TypeForStatus_FollowsDocumentedTable(int status, string type)
    {
        Assert.Equal(type, AnthropicErrors.TypeForStatus(status));
    }

    [Fact]
    public void AnthropicErrors_Write_ProducesAnthropicEnvelope()
    {
        var bytes = AnthropicErrors.Write("invalid_request_error", "max_tokens: required");
        Assert.True(JsonElement.DeepEquals(
            Json("""{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: required"}}"""),
            Json(System.Text.Encoding.UTF8.GetString(bytes))));
    }

    [Fact]
    public void OpenAIErrors_Write_ProducesOpenAIEnvelope()
    {
        var buffer = new ArrayBufferWriter<byte>();
        OpenAIErrors.Write(buffer, "azure-east: Rate limit reached", OpenAIErrors.TypeForStatus(429), null, "rate_limit_exceeded");
        Assert.True(JsonElement.DeepEquals(
            Json("""{"error":{"message":"azure-east: Rate limit reached","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}"""),
            Json(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan))));
        Assert.Equal("invalid_request_error", OpenAIErrors.TypeForStatus(400));
        Assert.Equal("server_error", OpenAIErrors.TypeForStatus(503));
    }

    [Fact]
    public void AnthropicSse_WriteEvent_FramesPayload()
    {
        var buffer = new ArrayBufferWriter<byte>();
        AnthropicSse.WriteEvent(buffer, "message_stop", """{"type":"message_stop"}"""u8);
        Assert.Equal("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
