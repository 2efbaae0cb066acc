using Bridge.Gateway.Sessions;
using Bridge.Gateway.State;
using Bridge.Tests.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Sessions;

/// <summary>Pins kept in the gateway when no Redis is configured: sliding expiry, compare-and-set moves, a bounded map.</summary>
public sealed class SessionAffinityLocalTests
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SessionAffinity _affinity;

    public SessionAffinityLocalTests() =>
        _affinity = new SessionAffinity(new RedisConnection(null, NullLogger<RedisConnection>.Instance), _clock, NullLogger<SessionAffinity>.Instance);

    private static SessionKey Session(string id) => SessionKey.Create("key", id, SessionSource.ClaudeCodeHeader);

    [Fact]
    public async Task Pin_Slides_WithEachRead_AndExpiresAfterAnHourOfSilence()
    {
        var s = Session("s");
        Assert.Equal("a", await _affinity.PinAsync(s, "g", "a", null));
        _clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal("a", await _affinity.GetAsync(s, "g"));
        _clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal("a", await _affinity.GetAsync(s, "g"));
        Assert.Null(await _affinity.GetAsync(s, "other-group"));
        _clock.Advance(SessionAffinity.Ttl);
        Assert.Null(await _affinity.GetAsync(s, "g"));
    }

    [Fact]
    public async Task Move_OnlyFromThePinItSaw()
    {
        var s = Session("s");
        await _affinity.PinAsync(s, "g", "a", null);
        Assert.Equal("a", await _affinity.PinAsync(s, "g", "b", null)); // someone pinned first: that pin stays
        Assert.Equal("c", await _affinity.PinAsync(s, "g", "c", "a"));  // a move from what was seen
        Assert.Equal("c", await _affinity.PinAsync(s, "g", "d", "a"));  // a stale move loses
        Assert.Equal("c", await _affinity.GetAsync(s, "g"));
    }

    [Fact]
    public async Task LocalMap_IsBounded()
    {
        for (var i = 0; i <= SessionAffinity.MaxLocalPins; i++) await _affinity.PinAsync(Session(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "g", "a", null);
        Assert.InRange(_affinity.LocalCount, 1, SessionAffinity.MaxLocalPins);
    }
}
