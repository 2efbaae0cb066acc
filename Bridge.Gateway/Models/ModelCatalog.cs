using System.Collections.Concurrent;
using System.Collections.Frozen;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Models;

/// <summary>
/// The model groups from <c>model_list</c> and the aliases that point at them. Immutable: alias changes
/// from the admin service swap in a new overlay atomically (<see cref="SetAliasOverlay"/>).
/// </summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, ModelGroup> _groups;
    private readonly FrozenDictionary<string, string> _configAliases;
    private volatile IReadOnlyDictionary<string, string> _overlay = FrozenDictionary<string, string>.Empty;
    private volatile bool _overlayIsWhole;

    public ModelCatalog(BridgeConfig config)
    {
        Config = config;
        _groups = config.Deployments
            .Where(d => d.Wildcard is null)
            .GroupBy(d => d.ModelName, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => new ModelGroup(g.Key, g.ToArray()), StringComparer.Ordinal);
        // LiteLLM tries the most specific pattern first (openai/* before *); config order breaks ties.
        _patterns = config.Deployments
            .Where(d => d.Wildcard is not null)
            .GroupBy(d => d.ModelName, StringComparer.Ordinal)
            .Select(g => g.ToArray())
            .OrderByDescending(g => g[0].Wildcard!.Specificity)
            .ToArray();
        _configAliases = config.Aliases.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Wildcard deployments, grouped by pattern, most specific first.</summary>
    private readonly ModelDeployment[][] _patterns;

    /// <summary>Groups made for names a wildcard matched; bounded, since clients choose the names.</summary>
    private readonly ConcurrentDictionary<string, ModelGroup> _matched = new(StringComparer.Ordinal);
    private const int MaxMatchedNames = 1024;

    public BridgeConfig Config { get; }

    public IEnumerable<ModelGroup> Groups => _groups.Values;

    /// <summary>
    /// The effective alias map: the admin's map once it has taken over (it was seeded from the config, so a
    /// deletion there really deletes); before that, the config's aliases with any admin entries on top.
    /// </summary>
    public IReadOnlyDictionary<string, string> Aliases
    {
        get
        {
            var overlay = _overlay;
            if (_overlayIsWhole) return overlay;
            if (overlay.Count == 0) return _configAliases;
            var merged = new Dictionary<string, string>(_configAliases, StringComparer.Ordinal);
            foreach (var (k, v) in overlay) merged[k] = v;
            return merged;
        }
    }

    /// <summary>
    /// Replaces the admin-managed aliases (from Redis). With <paramref name="isWholeMap"/> (the admin seeded its
    /// map from the config) they replace the config's aliases; otherwise config aliases stay underneath.
    /// </summary>
    public void SetAliasOverlay(IReadOnlyDictionary<string, string> aliases, bool isWholeMap = false)
    {
        _overlay = aliases.ToFrozenDictionary(StringComparer.Ordinal);
        _overlayIsWhole = isWholeMap;
    }

    /// <summary>Resolves a client's model name: an exact group name wins, then an alias (one hop).</summary>
    public ModelGroup? Resolve(string requestedModel)
    {
        if (_groups.TryGetValue(requestedModel, out var group)) return group;
        if (_overlay.TryGetValue(requestedModel, out var target) || (!_overlayIsWhole && _configAliases.TryGetValue(requestedModel, out target)))
        {
            return _groups.GetValueOrDefault(target) ?? MatchWildcard(target);
        }
        return MatchWildcard(requestedModel);
    }

    /// <summary>
    /// The group a wildcard <c>model_name</c> makes for <paramref name="name"/>: the pattern's deployments, each
    /// calling the model the <c>*</c> matched.
    /// </summary>
    private ModelGroup? MatchWildcard(string name)
    {
        if (_patterns.Length == 0) return null;
        if (_matched.TryGetValue(name, out var known)) return known;
        foreach (var pattern in _patterns)
        {
            if (pattern[0].Wildcard!.Match(name) is null) continue;
            var deployments = pattern.Select(d => d.WithUpstreamModel(d.Wildcard!.Match(name)!)).ToArray();
            var group = new ModelGroup(name, deployments);
            if (_matched.Count < MaxMatchedNames) group = _matched.GetOrAdd(name, group);
            return group;
        }
        return null;
    }

    public ModelGroup? GetGroup(string name) => _groups.GetValueOrDefault(name);

    /// <summary>Every name a client may send: group names, then aliases whose target exists.</summary>
    public IReadOnlyList<string> PublicNames()
    {
        var names = new List<string>(_groups.Keys.Order(StringComparer.Ordinal));
        foreach (var (alias, target) in Aliases.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (_groups.ContainsKey(target) && !_groups.ContainsKey(alias)) names.Add(alias);
        }
        return names;
    }
}

/// <summary>All deployments that serve one public model name.</summary>
public sealed record ModelGroup(string Name, IReadOnlyList<ModelDeployment> Deployments);
