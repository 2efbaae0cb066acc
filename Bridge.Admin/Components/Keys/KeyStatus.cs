using Bridge.Gateway.State;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Bridge.Admin.Components.Keys;

/// <summary>What a key's badge says: blocked and expired keys are refused by the gateway.</summary>
public static class KeyStatus
{
    public static (string Label, BadgeColor Color) Of(VirtualKeyRecord key, DateTimeOffset now) =>
        key.Blocked ? ("blocked", BadgeColor.Danger)
        : key.ExpiresAt is { } expires && expires <= now ? ("expired", BadgeColor.Warning)
        : ("active", BadgeColor.Success);
}
