using Bridge.Admin.Components;
using Bridge.Admin.Stores;
using StackExchange.Redis;

namespace Bridge.Tests.Admin;

/// <summary>Every admin page words a failure the same way: what failed, then what to do about it.</summary>
public sealed class AdminProblemTests
{
    [Fact]
    public void StoreAway_SaysRedisIsNotReachable_AndToTryAgain()
    {
#pragma warning disable CS0618 // the constructors the client library prefers need its internal flags
        Exception redisRefused = new RedisServerException("LOADING Redis is loading");
#pragma warning restore CS0618
        foreach (var ex in new Exception[] { redisRefused, new TimeoutException(), new StoreUnavailableException() })
        {
            Assert.Equal("The alias could not be saved: Redis is not reachable right now. Try again shortly.", AdminProblem.Describe(ex, "The alias could not be saved"));
        }
    }

    [Fact]
    public void AnythingElse_PointsAtTheServerLog_AndNeverShowsTheException()
    {
        var text = AdminProblem.Describe(new InvalidOperationException("secret internals"), "The model list could not be read");
        Assert.Equal("The model list could not be read. Details are in the server log.", text);
    }
}
