using Bridge.Gateway.Configuration;

namespace Bridge.Admin.Catalog;

/// <summary>Deployments straight from the loaded config.</summary>
public sealed class ConfigModelCatalog(BridgeConfig config) : IModelCatalog
{
    public Task<IReadOnlyList<ModelEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ModelEntry> entries = config.Deployments.Select(ToEntry).ToList();
        return Task.FromResult(entries);
    }

    private static ModelEntry ToEntry(ModelDeployment d) => new(
        d.ModelName, d.Id, d.Spec.Name, d.UpstreamModel, HostOf(d.ApiBase), d.UnavailableReason, d.Rpm, d.Tpm);

    /// <summary>Host and non-default port only: paths, queries and user info may carry secrets.</summary>
    public static string? HostOf(string? apiBase)
    {
        if (string.IsNullOrWhiteSpace(apiBase)) return null;
        if (!Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return "(not a URL)";
        return uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
    }
}
