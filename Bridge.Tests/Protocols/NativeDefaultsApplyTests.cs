using Bridge.Tests.Infrastructure;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Protocols.Anthropic;

namespace Bridge.Tests.Protocols;

public sealed class NativeDefaultsApplyTests
{
    private static string Apply(string body, string defaultsJson)
    {
        using var client = JsonDocument.Parse(body);
        using var defaultsDocument = JsonDocument.Parse(defaultsJson);
        var defaults = defaultsDocument.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        using var output = new PooledBufferWriter();
        Encoding.UTF8.GetBytes(body, output);
        NativeDefaults.Apply(TestTapes.Of(client.RootElement), Gateway.Translation.DefaultParamTapes.Of(defaults), output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void AppendsAfterTheClientsFields_EvenWithTrailingWhitespace()
    {
        var sent = Apply("{\"model\":\"m\",\"max_tokens\":5}\r\n  ", """{"temperature": 0.3, "top_k": 40}""");

        Assert.Equal("""{"model":"m","max_tokens":5,"temperature":0.3,"top_k":40}""", sent);
    }

    [Fact]
    public void TemperatureOnOpenAIsScale_IsClampedToAnthropicsMaximum()
    {
        var sent = JsonDocument.Parse(Apply("""{"model":"m"}""", """{"temperature": 1.5}""")).RootElement;

        Assert.Equal(1, sent.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void ThinkingDisabled_CountsAsOff()
    {
        var sent = JsonDocument.Parse(Apply("""{"model":"m","thinking":{"type":"disabled"}}""", """{"top_p": 0.9}""")).RootElement;

        Assert.Equal(0.9, sent.GetProperty("top_p").GetDouble());
    }
}
