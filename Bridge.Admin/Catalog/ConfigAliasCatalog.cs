using Bridge.Gateway.Configuration;

namespace Bridge.Admin.Catalog;

/// <summary><c>litellm_settings.model_alias_map</c> from the loaded config.</summary>
public sealed class ConfigAliasCatalog(BridgeConfig config) : IAliasCatalog
{
    public bool IsEditable => false;

    public Task<IReadOnlyList<AliasEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var models = config.ModelNames.ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<AliasEntry> entries = config.Aliases
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new AliasEntry(a.Key, a.Value, models.Contains(a.Value), "config"))
            .ToList();
        return Task.FromResult(entries);
    }
}
