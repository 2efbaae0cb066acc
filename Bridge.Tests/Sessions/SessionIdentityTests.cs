using System.Text.Json;
using Bridge.Gateway.Sessions;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bridge.Tests.Sessions;

/// <summary>The session a request names, read from what real clients send (the recorded Claude Code and Codex requests).</summary>
public sealed class SessionIdentityTests
{
    private static readonly JsonElement EmptyBody = Fixtures.Parse("{}");

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary[name] = value;
        return dictionary;
    }

    private static HeaderDictionary RecordedHeaders(JsonElement exchange)
    {
        var dictionary = new HeaderDictionary();
        foreach (var header in exchange.GetProperty("headers").EnumerateObject()) dictionary[header.Name] = header.Value.GetString();
        return dictionary;
    }

    [Fact]
    public void ClaudeCode_Header_AndTheSessionInsideMetadataUserId_NameTheSameSession()
    {
        foreach (var session in Fixtures.Sessions().Where(s => s.StartsWith("cc-", StringComparison.Ordinal)))
        {
            var exchange = Fixtures.Exchanges(session).First(e => e.GetProperty("path").GetString() == "/v1/messages");
            var body = exchange.GetProperty("body");
            var fromHeader = SessionIdentity.Derive(RecordedHeaders(exchange), TestTapes.Of(body), "key-1");
            var fromBody = SessionIdentity.Derive(new HeaderDictionary(), TestTapes.Of(body), "key-1");
            Assert.NotNull(fromHeader);
            Assert.NotNull(fromBody);
            Assert.Equal(SessionSource.ClaudeCodeHeader, fromHeader.Source);
            Assert.Equal(SessionSource.AnthropicMetadata, fromBody.Source);
            Assert.Equal(fromHeader.PromptCacheKey, fromBody.PromptCacheKey);
        }
    }

    [Fact]
    public void ClaudeCode_SubAgent_SharesItsParentsSession()
    {
        var parent = SessionIdentity.Derive(Headers(("x-claude-code-session-id", "s-1")), TestTapes.Of(EmptyBody), "key-1")!;
        var agent = SessionIdentity.Derive(Headers(("x-claude-code-session-id", "s-1"), ("x-claude-code-agent-id", "agent-7")), TestTapes.Of(EmptyBody), "key-1")!;
        Assert.Equal(parent.PromptCacheKey, agent.PromptCacheKey);
        Assert.Equal(parent.AffinityHash("g"), agent.AffinityHash("g"));
    }

    [Fact]
    public void Codex_SessionHeader_AndPromptCacheKey_NameTheSameSession()
    {
        var body = Fixtures.CodexRequest("codex-tool-call");
        var sessionId = body.GetProperty("prompt_cache_key").GetString()!;
        var fromHeader = SessionIdentity.Derive(Headers(("session-id", sessionId)), TestTapes.Of(body), "key-1")!;
        var fromBody = SessionIdentity.Derive(new HeaderDictionary(), TestTapes.Of(body), "key-1")!;
        Assert.Equal(SessionSource.SessionHeader, fromHeader.Source);
        Assert.Equal(SessionSource.PromptCacheKey, fromBody.Source);
        Assert.Equal(fromHeader.PromptCacheKey, fromBody.PromptCacheKey);
    }

    [Fact]
    public void TwoKeys_SendingTheSameSessionId_NeverShareASession()
    {
        var one = SessionIdentity.Derive(Headers(("x-claude-code-session-id", "same")), TestTapes.Of(EmptyBody), "key-1")!;
        var two = SessionIdentity.Derive(Headers(("x-claude-code-session-id", "same")), TestTapes.Of(EmptyBody), "key-2")!;
        Assert.NotEqual(one.PromptCacheKey, two.PromptCacheKey);
        Assert.NotEqual(one.AffinityHash("g"), two.AffinityHash("g"));
    }

    [Fact]
    public void DerivedValues_AreHashes_NeverTheRawId()
    {
        var session = SessionIdentity.Derive(Headers(("x-claude-code-session-id", "bd68e86a-66ec-4731-ab61-50879540a69e")), TestTapes.Of(EmptyBody), "master")!;
        Assert.Matches("^[0-9a-f]{32}$", session.PromptCacheKey);
        Assert.Matches("^[0-9a-f]{32}$", session.AffinityHash("claude-sonnet"));
        Assert.DoesNotContain("bd68e86a", session.PromptCacheKey, StringComparison.Ordinal);
        Assert.NotEqual(session.AffinityHash("a"), session.AffinityHash("b"));
        Assert.NotEqual(session.PromptCacheKey, session.AffinityHash("a"));
    }

    [Theory]
    [InlineData("""{"user":"alice"}""", SessionSource.User)]
    [InlineData("""{"safety_identifier":"alice"}""", SessionSource.User)]
    [InlineData("""{"metadata":{"user_id":"alice"}}""", SessionSource.User)]
    [InlineData("""{"metadata":{"user_id":"user_abc_account__session_1234"}}""", SessionSource.AnthropicMetadata)]
    [InlineData("""{"prompt_cache_key":"pck","user":"alice"}""", SessionSource.PromptCacheKey)]
    public void LastResorts_AndOlderClaudeCodeUserIds(string body, SessionSource expected)
    {
        Assert.Equal(expected, SessionIdentity.Derive(new HeaderDictionary(), TestTapes.Of(Fixtures.Parse(body)), "k")!.Source);
    }

    [Fact]
    public void OlderClaudeCodeUserId_NamesItsSession()
    {
        var legacy = SessionIdentity.Derive(new HeaderDictionary(), TestTapes.Of(Fixtures.Parse("""{"metadata":{"user_id":"user_abc_account__session_1234"}}""")), "k")!;
        var header = SessionIdentity.Derive(Headers(("x-claude-code-session-id", "1234")), TestTapes.Of(EmptyBody), "k")!;
        Assert.Equal(header.PromptCacheKey, legacy.PromptCacheKey);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"user":""}""")]
    [InlineData("""{"metadata":{"user_id":null}}""")]
    [InlineData("""{"metadata":"x","user":5}""")]
    public void NoSession_WhenTheClientNamesNone(string body)
    {
        Assert.Null(SessionIdentity.Derive(Headers(("x-claude-code-session-id", " ")), TestTapes.Of(Fixtures.Parse(body)), "k"));
    }

    [Fact]
    public void NoSession_AllocatesNothing()
    {
        var headers = Headers(("content-type", "application/json"));
        var body = TestTapes.Of(Fixtures.Request("sdk-openai", Fixtures.Exchanges("sdk-openai").First(e => e.GetProperty("method").GetString() == "POST").GetProperty("seq").GetInt32()));
        Assert.Null(SessionIdentity.Derive(headers, body, "k"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) SessionIdentity.Derive(headers, body, "k");
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
