namespace Bridge.Gateway.Routing;

/// <summary>
/// What the routing policies know about one deployment at the moment of a pick: a snapshot, never a live view.
/// <c>default</c> means "nothing recorded": idle, no latency samples, no usage, not cooling down.
/// </summary>
/// <param name="InFlight">Requests currently being served by the deployment (from this gateway or all of them).</param>
/// <param name="LatencyEwmaMs">Smoothed whole-response latency (see <see cref="LatencyTracker"/>); null when no sample yet.</param>
/// <param name="TtftEwmaMs">Smoothed time to first token of streamed responses; null when no streamed sample yet.</param>
/// <param name="RpmUsed">Requests started in the current minute window (see <see cref="MinuteWindow"/>).</param>
/// <param name="TpmUsed">Tokens counted in the current minute window.</param>
/// <param name="CoolingDownUntil">End of the current cooldown; null (or a past instant) when not cooling down.</param>
public readonly record struct DeploymentStats(
    int InFlight = 0,
    double? LatencyEwmaMs = null,
    double? TtftEwmaMs = null,
    int RpmUsed = 0,
    long TpmUsed = 0,
    DateTimeOffset? CoolingDownUntil = null);
