using Bridge.Tests.Infrastructure;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Validation;

namespace Bridge.Tests.Validation;

/// <summary>The request checks' edge cases, and the exact words a client reads.</summary>
public sealed class RequestChecksTests
{
    [Theory]
    [InlineData("""{"a":"\ud83d\ude00"}""", -1)]      // a pair
    [InlineData("""{"a":"\\ud800"}""", -1)]           // an escaped backslash, then the letters
    [InlineData("""{"a":"\\\ud800"}""", 8)]           // an escaped backslash, then a real escape
    [InlineData("""{"a":"x\ud800"}""", 7)]
    [InlineData("""{"a":"\udc00\ud800"}""", 6)]       // halves in the wrong order
    [InlineData("""{"a":"\ud800\u0041"}""", 6)]       // a high half followed by something else
    [InlineData("""{"a":"\u00e9\uD83D\uDE00"}""", -1)] // upper-case hex
    public void LoneSurrogateEscapes_AreFound_AndNothingElse(string json, int expected) =>
        Assert.Equal(expected, Utf8Check.FindLoneSurrogateEscape(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData(false, "messages.0.content.1.text: is not valid UTF-8 text.")]
    [InlineData(true, "Invalid 'messages[0].content[1].text': not valid UTF-8 text.")]
    public void InvalidUtf8_IsNamedInTheClientsStyle(bool openAI, string expected)
    {
        var body = Encoding.UTF8.GetBytes("""{"messages":[{"content":[{"text":"ok"},{"text":"caf@"}]}]}""");
        body[Array.IndexOf(body, (byte)'@')] = 0xC3;
        using var document = JsonDocument.Parse(body);
        var problem = Utf8Check.Find(body, document.RootElement, openAI);
        Assert.Equal(expected, problem?.Message);
    }

    [Fact]
    public void WrongTypes_AreWordedAsEachApiWordsThem()
    {
        using var anthropic = JsonDocument.Parse("""{"thinking":{"type":"enabled","budget_tokens":"1024"}}""");
        Assert.Equal(new RequestProblem("thinking.budget_tokens: must be an integer.", "thinking.budget_tokens"), AnthropicRequestCheck.Find(TestTapes.Of(anthropic.RootElement)));
        using var openAI = JsonDocument.Parse("""{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":{}}}]}]}""");
        Assert.Equal(new RequestProblem("Invalid type for 'messages[1].tool_calls[0].function.arguments': expected a string.", "messages[1].tool_calls[0].function.arguments"),
            OpenAIRequestCheck.Find(TestTapes.Of(openAI.RootElement)));
    }

    [Theory]
    [InlineData("\"aGVsbG8=\"", true)]
    [InlineData("\"aGVs\\/bG8=\"", false)] // an escaped '/' is a base64 character, but "aGVs/bG8=" is 9 characters
    [InlineData("\"aGVs\\/bG8\"", true)]
    [InlineData("\"aGVsbG8\"", false)]
    [InlineData("\"\"", true)]
    public void Base64_IsCheckedInPlace_EscapesDecodedFirst(string json, bool valid)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(valid, Base64Text.IsValid(TestTapes.Of(document.RootElement)));
    }

    [Theory]
    [InlineData("https://example.com/cat.png", true)]
    [InlineData("data:image/png;base64,aGVsbG8=", true)]
    [InlineData("data:image/png;base64,aGVsbG8", false)]
    [InlineData("data:text/plain,not base64 at all", true)]
    public void DataUrls_OnlyTheirBase64PayloadIsChecked(string url, bool valid)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(url));
        Assert.Equal(valid, Base64Text.IsValidDataUrl(TestTapes.Of(document.RootElement)));
    }

    [Fact]
    public void TagText_BoundsOneLongStringAndLongLists()
    {
        Assert.Equal("short", TagText.Bounded("short"));
        Assert.Equal(TagText.MaxLength + 3, TagText.Bounded(new string('m', 10_000)).Length);
        Assert.Equal("a, b", TagText.Join(["a", "b"]));
        var joined = TagText.Join(Enumerable.Range(0, 100).Select(i => $"tool-{i:000}-{new string('x', 20)}").ToList());
        Assert.InRange(joined.Length, 200, TagText.MaxLength + 20);
        Assert.EndsWith("more)", joined);
        Assert.StartsWith(new string('y', TagText.MaxLength) + "... (and 1 more)", TagText.Join([new string('y', 1000), "z"]));
    }
}
