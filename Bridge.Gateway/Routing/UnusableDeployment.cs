using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary>One deployment the router passed over, and why.</summary>
/// <param name="Until">When it may become usable again (cooldown end, minute window end); null when unknown or never.</param>
/// <param name="Description">A sentence for logs and error bodies; never contains a secret.</param>
public sealed record UnusableDeployment(ModelDeployment Deployment, UnusableReason Reason, DateTimeOffset? Until, string Description);
