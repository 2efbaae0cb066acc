namespace Bridge.Gateway.Routing;

/// <summary>
/// The fixed, UTC-aligned one-minute window that <see cref="DeploymentStats.RpmUsed"/> and
/// <see cref="DeploymentStats.TpmUsed"/> count in (as LiteLLM's per-minute usage keys do).
/// </summary>
public static class MinuteWindow
{
    /// <summary>The start of the window containing <paramref name="now"/> (seconds and below cut off, in UTC).</summary>
    public static DateTimeOffset Start(DateTimeOffset now)
    {
        var utc = now.UtcTicks;
        return new DateTimeOffset(utc - utc % TimeSpan.TicksPerMinute, TimeSpan.Zero);
    }

    /// <summary>When the window containing <paramref name="now"/> ends and usage resets.</summary>
    public static DateTimeOffset End(DateTimeOffset now) => Start(now).AddMinutes(1);
}
