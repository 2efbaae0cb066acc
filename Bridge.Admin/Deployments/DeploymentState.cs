namespace Bridge.Admin.Deployments;

/// <summary>One entry of the gateway's <c>GET /health/deployments</c>.</summary>
public sealed record DeploymentState(
    string Id,
    string ModelName,
    string? Provider,
    string? State,
    DateTimeOffset? CoolingDownUntil,
    int? InFlight,
    double? LatencyMs,
    double? ErrorRate,
    long? RpmUsed,
    long? TpmUsed);
