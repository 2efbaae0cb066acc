namespace Bridge.Gateway.State;

/// <summary>Value of <c>bridge:cooldown:{deploymentId}</c>.</summary>
public sealed record CooldownRecord(DateTimeOffset Until, string Reason);
