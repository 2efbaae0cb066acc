namespace Bridge.Admin.Catalog;

/// <summary>One deployment as the admin shows it: no keys, and of <c>api_base</c> only the host.</summary>
public sealed record ModelEntry(
    string ModelName,
    string DeploymentId,
    string Provider,
    string UpstreamModel,
    string? ApiHost,
    string? UnavailableReason,
    int? Rpm,
    int? Tpm)
{
    public bool IsAvailable => UnavailableReason is null;
}
