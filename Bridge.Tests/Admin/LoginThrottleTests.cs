using Bridge.Admin.Auth;

namespace Bridge.Tests.Admin;

public sealed class LoginThrottleTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly AdminAuthOptions Options = new()
    {
        FailuresBeforeLockout = 3,
        FirstLockout = TimeSpan.FromSeconds(2),
        MaxLockout = TimeSpan.FromSeconds(10),
        ForgetFailuresAfter = TimeSpan.FromMinutes(15),
    };

    [Fact]
    public void FewFailures_DoNotLockOut()
    {
        var throttle = new LoginThrottle(new ManualClock(DateTimeOffset.UnixEpoch), Options);

        throttle.RecordFailure("10.0.0.1");
        throttle.RecordFailure("10.0.0.1");

        Assert.Null(throttle.RetryAfter("10.0.0.1"));
    }

    [Fact]
    public void LockoutDoubles_PerFailure_UpToTheCap_AndOnlyForThatClient()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var throttle = new LoginThrottle(clock, Options);

        for (var i = 0; i < 3; i++) throttle.RecordFailure("10.0.0.1");
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.RetryAfter("10.0.0.1"));
        Assert.Null(throttle.RetryAfter("10.0.0.2"));

        throttle.RecordFailure("10.0.0.1");
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.RetryAfter("10.0.0.1"));

        for (var i = 0; i < 5; i++) throttle.RecordFailure("10.0.0.1");
        Assert.Equal(TimeSpan.FromSeconds(10), throttle.RetryAfter("10.0.0.1"));

        clock.Now += TimeSpan.FromSeconds(10);
        Assert.Null(throttle.RetryAfter("10.0.0.1"));
    }

    [Fact]
    public void Success_ClearsTheCount()
    {
        var throttle = new LoginThrottle(new ManualClock(DateTimeOffset.UnixEpoch), Options);
        throttle.RecordFailure("10.0.0.1");
        throttle.RecordFailure("10.0.0.1");

        throttle.RecordSuccess("10.0.0.1");

        Assert.Equal(1, throttle.RecordFailure("10.0.0.1"));
    }

    [Fact]
    public void OldFailures_AreForgotten()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var throttle = new LoginThrottle(clock, Options);
        throttle.RecordFailure("10.0.0.1");
        throttle.RecordFailure("10.0.0.1");

        clock.Now += TimeSpan.FromMinutes(16);

        Assert.Equal(1, throttle.RecordFailure("10.0.0.1"));
    }
}
