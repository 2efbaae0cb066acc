using Bridge.Gateway.State;

namespace Bridge.Gateway.Auth;

/// <summary>Who made a request: a master key or a virtual key (by id, never by value).</summary>
public sealed record Caller(string KeyId, bool IsMaster, VirtualKeyRecord? VirtualKey = null)
{
    public static Caller Master { get; } = new("master", true);
    public static Caller Anonymous { get; } = new("anonymous", true);

    public string? KeyName => VirtualKey?.Name;
}
