namespace Bridge.Gateway.Configuration;

/// <summary>What the gateway does with a virtual key's limits while Redis cannot be reached (<c>Bridge:LimitsWhenRedisDown</c>).</summary>
public enum RedisDownLimits
{
    /// <summary>
    /// <c>local</c> (default): keys already cached keep working, and their limits are counted on each replica
    /// alone (an approximation: N replicas together may allow up to N times a limit; a budget starts from the
    /// spend last read from Redis).
    /// </summary>
    Local,

    /// <summary><c>deny</c>: a key that has any limit is refused (503) until Redis is back.</summary>
    Deny,
}
