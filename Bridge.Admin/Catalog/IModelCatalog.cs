namespace Bridge.Admin.Catalog;

/// <summary>The deployments the gateway serves, in config order.</summary>
public interface IModelCatalog
{
    Task<IReadOnlyList<ModelEntry>> ListAsync(CancellationToken cancellationToken = default);
}
