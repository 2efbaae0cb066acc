namespace Bridge.Admin.Catalog;

/// <summary>Model aliases. Read-only from config for now; a Redis-backed implementation will add editing.</summary>
public interface IAliasCatalog
{
    /// <summary>False while aliases come only from <c>config.yaml</c>.</summary>
    bool IsEditable { get; }

    Task<IReadOnlyList<AliasEntry>> ListAsync(CancellationToken cancellationToken = default);
}
