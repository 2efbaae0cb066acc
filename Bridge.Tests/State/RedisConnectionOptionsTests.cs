using Bridge.Gateway.State;

namespace Bridge.Tests.State;

public sealed class RedisConnectionOptionsTests
{
    [Fact]
    public void Defaults_FailFast()
    {
        var options = RedisConnection.Options("127.0.0.1:6379");

        Assert.Equal((2000, 2000, 2000, false), (options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout, options.AbortOnConnectFail));
    }

    [Fact]
    public void TimeoutsInTheConnectionString_Win()
    {
        var options = RedisConnection.Options("cache.example.net:6380,ssl=true,AsyncTimeout=8000,syncTimeout=9000,abortConnect=true");

        Assert.Equal((8000, 9000, 2000, true), (options.AsyncTimeout, options.SyncTimeout, options.ConnectTimeout, options.AbortOnConnectFail));
        Assert.True(options.Ssl);
    }
}
