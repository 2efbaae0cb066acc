namespace Bridge.Gateway.Auth;

/// <summary>Who made a request: the master key or a virtual key (by id, never by value).</summary>
public sealed record Caller(string KeyId, bool IsMaster)
{
    public static Caller Master { get; } = new("master", true);
    public static Caller Anonymous { get; } = new("anonymous", true);
}
