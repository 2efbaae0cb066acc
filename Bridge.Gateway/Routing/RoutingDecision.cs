using System.Diagnostics.CodeAnalysis;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary>
/// The outcome of <see cref="DeploymentRouter.Pick"/>: a deployment, or why none of the group can serve.
/// When none can, <see cref="Failure"/> summarises the group: <see cref="UnusableReason.CoolingDown"/> or
/// <see cref="UnusableReason.AtLimit"/> if any deployment will come back by itself (then <see cref="RetryAt"/> is the
/// earliest such instant, for a 429 with Retry-After), else <see cref="UnusableReason.Excluded"/> if any was excluded
/// (the caller should surface the error of its last attempt), else <see cref="UnusableReason.Unavailable"/>.
/// </summary>
public sealed record RoutingDecision
{
    private RoutingDecision() { }

    /// <summary>The chosen deployment, or null when none is usable.</summary>
    public ModelDeployment? Deployment { get; private init; }

    /// <summary>Why nothing was chosen; null on success.</summary>
    public UnusableReason? Failure { get; private init; }

    /// <summary>The earliest instant a cooling-down or rate-limited deployment becomes usable again.</summary>
    public DateTimeOffset? RetryAt { get; private init; }

    /// <summary><see cref="RetryAt"/> relative to the moment of the decision, for a <c>Retry-After</c> header.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>True when the deployment is the caller's preferred one (its session's pin), not the strategy's pick.</summary>
    public bool Preferred { get; private init; }

    /// <summary>Every deployment passed over, with its reason (also filled on success).</summary>
    public IReadOnlyList<UnusableDeployment> Unusable { get; private init; } = [];

    /// <summary>On failure, one sentence per deployment joined by "; " (same shape as <see cref="RandomDeploymentSelector"/>).</summary>
    public string? Message { get; private init; }

    [MemberNotNullWhen(true, nameof(Deployment))]
    [MemberNotNullWhen(false, nameof(Failure), nameof(Message))]
    public bool Succeeded => Deployment is not null;

    public static RoutingDecision Picked(ModelDeployment deployment, IReadOnlyList<UnusableDeployment> unusable, bool preferred = false) =>
        new() { Deployment = deployment, Unusable = unusable, Preferred = preferred };

    /// <summary>The failure decision for a group none of whose deployments is usable.</summary>
    public static RoutingDecision NoneUsable(IReadOnlyList<UnusableDeployment> unusable, DateTimeOffset now)
    {
        UnusableDeployment? soonest = null;
        var anyExcluded = false;
        foreach (var u in unusable)
        {
            if (u.Reason == UnusableReason.Excluded) anyExcluded = true;
            if (u.Reason is UnusableReason.CoolingDown or UnusableReason.AtLimit && u.Until is { } until && (soonest?.Until is not { } best || until < best))
            {
                soonest = u;
            }
        }
        var failure = soonest?.Reason ?? (anyExcluded ? UnusableReason.Excluded : UnusableReason.Unavailable);
        var message = unusable.Count == 0 ? "the model group has no deployments" : string.Join("; ", unusable.Select(u => u.Description));
        return new RoutingDecision
        {
            Failure = failure,
            RetryAt = soonest?.Until,
            RetryAfter = soonest?.Until is { } at ? at - now : null,
            Unusable = unusable,
            Message = message,
        };
    }
}
