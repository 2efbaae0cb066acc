namespace Bridge.Admin.Live;

/// <summary>A deployment the overview lists as in trouble, with why.</summary>
/// <param name="Kind">What is wrong; the order of the enum is the order of severity on the page.</param>
/// <param name="Detail">The config's reason (unavailable), the cooldown's reason, or the recent errors.</param>
/// <param name="Until">When a cooldown ends.</param>
public sealed record DeploymentTrouble(string DeploymentId, string ModelName, TroubleKind Kind, string? Detail, DateTimeOffset? Until = null);
