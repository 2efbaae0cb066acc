namespace Bridge.Admin.Auth;

/// <summary>Session and sign-in throttling settings; register your own instance before <c>AddBridgeAdmin</c> to change them.</summary>
public sealed class AdminAuthOptions
{
    public const string CookieName = "bridge_admin";

    /// <summary>A session ends after this long without a request (sliding).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(8);
    /// <summary>A session ends this long after sign-in, however active it is.</summary>
    public TimeSpan AbsoluteLifetime { get; init; } = TimeSpan.FromHours(24);
    /// <summary>How often an open page (a Blazor circuit) re-checks its session; a revoked key loses its tabs within this.</summary>
    public TimeSpan SessionRevalidationInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Every refused sign-in is answered only after this delay.</summary>
    public TimeSpan FailureDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Consecutive failures from one client before it is locked out for a while.</summary>
    public int FailuresBeforeLockout { get; init; } = 5;
    /// <summary>The first lockout; each further failure doubles it.</summary>
    public TimeSpan FirstLockout { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxLockout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>A client's failures are forgotten after this long without another one.</summary>
    public TimeSpan ForgetFailuresAfter { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>At most this many clients are tracked (forgotten ones are pruned); past it, new addresses share one bucket.</summary>
    public int MaxTrackedClients { get; init; } = 10_000;
}
