namespace Bridge.Admin.Live;

/// <summary>Everything the overview shows from Redis, read at <see cref="ReadAt"/>.</summary>
public sealed record OverviewSnapshot(DateTimeOffset ReadAt, LiveStats Live, TodayTotals Today, IReadOnlyList<DeploymentTrouble> Trouble);
