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

    [Fact]
    public void IPv6_CountsPerSlash64_SoRotatingWithinItDoesNotHelp()
    {
        var throttle = new LoginThrottle(new ManualClock(DateTimeOffset.UnixEpoch), Options);

        throttle.RecordFailure("2001:db8:1:2::1");
        throttle.RecordFailure("2001:db8:1:2:aaaa::2");
        throttle.RecordFailure("2001:db8:1:2:ffff:ffff:ffff:ffff");

        Assert.NotNull(throttle.RetryAfter("2001:db8:1:2::99"));
        Assert.Null(throttle.RetryAfter("2001:db8:1:3::1"));
        // IPv4 clients on a dual-stack socket arrive IPv4-mapped: each is still its own client, not one /64.
        Assert.Null(throttle.RetryAfter("::ffff:10.0.0.1"));
        for (var i = 0; i < 3; i++) throttle.RecordFailure("::ffff:10.0.0.1");
        Assert.NotNull(throttle.RetryAfter("10.0.0.1"));
        Assert.Null(throttle.RetryAfter("::ffff:10.0.0.2"));
    }

    [Fact]
    public void FullTable_SendsNewAddressesToOneSharedBucket_AndPrunesAtMostOncePerInterval()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var options = new AdminAuthOptions
        {
            FailuresBeforeLockout = 3,
            FirstLockout = TimeSpan.FromSeconds(2),
            MaxLockout = TimeSpan.FromSeconds(10),
            ForgetFailuresAfter = TimeSpan.FromMinutes(15),
            MaxTrackedClients = 3,
        };
        var throttle = new LoginThrottle(clock, options);
        for (var i = 1; i <= 3; i++) throttle.RecordFailure($"10.0.0.{i}");

        // A flood of guesses, each from a new address: throttled as one client once the table is full.
        for (var i = 0; i < 1000; i++) throttle.RecordFailure($"198.51.{i / 256}.{i % 256}");

        Assert.NotNull(throttle.RetryAfter("203.0.113.1"));
        Assert.Null(throttle.RetryAfter("10.0.0.1"));  // already tracked: its own count, one failure
        Assert.Equal(3, throttle.TrackedClients);
        Assert.Equal(1, throttle.Prunes);

        // Once the tracked entries are forgotten, the next new address triggers one sweep and is tracked on its own.
        clock.Now += TimeSpan.FromMinutes(16);
        Assert.Equal(1, throttle.RecordFailure("203.0.113.1"));
        Assert.Equal(2, throttle.Prunes);
        Assert.Equal(1, throttle.TrackedClients);
        Assert.Null(throttle.RetryAfter("203.0.113.1"));
    }
}
