using Bridge.Gateway.Routing;

namespace Bridge.Tests.Routing;

public sealed class MinuteWindowTests
{
    [Fact]
    public void End_MidMinute_IsTheNextUtcMinute()
    {
        var now = new DateTimeOffset(2025, 6, 1, 14, 0, 15, 500, TimeSpan.FromHours(2));

        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero), MinuteWindow.Start(now));
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 1, 0, TimeSpan.Zero), MinuteWindow.End(now));
    }

    [Fact]
    public void End_OnTheBoundary_IsAFullMinuteAway()
    {
        var now = new DateTimeOffset(2025, 6, 1, 12, 1, 0, TimeSpan.Zero);

        Assert.Equal(now, MinuteWindow.Start(now));
        Assert.Equal(now.AddMinutes(1), MinuteWindow.End(now));
    }
}
