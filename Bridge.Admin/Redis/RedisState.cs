namespace Bridge.Admin.Redis;

public enum RedisState
{
    /// <summary><c>ConnectionStrings:redis</c> is not set.</summary>
    NotConfigured,
    Connecting,
    Connected,
    /// <summary>Configured but not reachable right now; the multiplexer keeps retrying.</summary>
    Disconnected,
    /// <summary>The connection string could not be used at all.</summary>
    Failed,
}

/// <summary>What the overview shows: state, endpoint (never the password) and the last error.</summary>
public sealed record RedisStatus(RedisState State, string? Endpoint = null, string? Error = null);
