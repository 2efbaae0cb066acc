using System.Collections.Concurrent;
using System.Collections.Frozen;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Models;

/// <summary>
/// The model groups from <c>model_list</c> (the file's and those added at runtime) and the aliases that point at them.
/// Each part is an immutable snapshot swapped atomically: alias changes from the admin (<see cref="SetAliasOverlay"/>),
/// and the deployments when the file or the stored models change (<see cref="ReplaceDeployments"/>); a request sees one
/// snapshot or the other, never a mix.
/// </summary>
public sealed class ModelCatalog
{
    private volatile Snapshot _snapshot;
    private volatile IReadOnlyList<ModelDeployment> _deployments;
    private volatile FrozenDictionary<string, string> _configAliases;
    private volatile IReadOnlyDictionary<string, string> _overlay = FrozenDictionary<string, string>.Empty;
    private volatile bool _overlayIsWhole;

    public ModelCatalog(BridgeConfig config)
    {
        Config = config;
        _deployments = config.Deployments;
        _snapshot = new Snapshot(config.Deployments);
        _configAliases = config.Aliases.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The groups of one set of deployments: exact names, the wildcard patterns (most specific first, as LiteLLM tries
    /// them: openai/* before *; config order breaks ties) and the groups made for names a wildcard matched (bounded,
    /// since clients choose the names). Replaced whole when the deployments change.
    /// </summary>
    private sealed class Snapshot
    {
        public Snapshot(IReadOnlyList<ModelDeployment> deployments)
        {
            Groups = deployments
                .Where(d => d.Wildcard is null)
                .GroupBy(d => d.ModelName, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => new ModelGroup(g.Key, g.ToArray()), StringComparer.Ordinal);
            Patterns = deployments
                .Where(d => d.Wildcard is not null)
                .GroupBy(d => d.ModelName, StringComparer.Ordinal)
                .Select(g => g.ToArray())
                .OrderByDescending(g => g[0].Wildcard!.Specificity)
                .ToArray();
        }

        public FrozenDictionary<string, ModelGroup> Groups { get; }
        public ModelDeployment[][] Patterns { get; }
        public ConcurrentDictionary<string, ModelGroup> Matched { get; } = new(StringComparer.Ordinal);
    }

    private const int MaxMatchedNames = 1024;

    /// <summary>The configuration the gateway started with (router settings, keys); deployments may have changed since.</summary>
    public BridgeConfig Config { get; }

    /// <summary>Every deployment now served (or known to be unavailable), file first, then those added at runtime.</summary>
    public IReadOnlyList<ModelDeployment> Deployments => _deployments;

    /// <summary>Swaps in a new set of deployments (and, from a reloaded file, its aliases).</summary>
    public void ReplaceDeployments(IReadOnlyList<ModelDeployment> deployments, IReadOnlyDictionary<string, string>? configAliases = null)
    {
        var snapshot = new Snapshot(deployments);
        if (configAliases is not null) _configAliases = configAliases.ToFrozenDictionary(StringComparer.Ordinal);
        _deployments = deployments;
        _snapshot = snapshot;
    }

    public IEnumerable<ModelGroup> Groups => _snapshot.Groups.Values;

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
        var snapshot = _snapshot;
        if (snapshot.Groups.TryGetValue(requestedModel, out var group)) return group;
        if (_overlay.TryGetValue(requestedModel, out var target) || (!_overlayIsWhole && _configAliases.TryGetValue(requestedModel, out target)))
        {
            return snapshot.Groups.GetValueOrDefault(target) ?? MatchWildcard(snapshot, target);
        }
        return MatchWildcard(snapshot, requestedModel);
    }

    /// <summary>
    /// The group a wildcard <c>model_name</c> makes for <paramref name="name"/>: the pattern's deployments, each
    /// calling the model the <c>*</c> matched.
    /// </summary>
    private static ModelGroup? MatchWildcard(Snapshot snapshot, string name)
    {
        if (snapshot.Patterns.Length == 0) return null;
        if (snapshot.Matched.TryGetValue(name, out var known)) return known;
        foreach (var pattern in snapshot.Patterns)
        {
            if (pattern[0].Wildcard!.Match(name) is null) continue;
            var deployments = pattern.Select(d => d.WithUpstreamModel(d.Wildcard!.Match(name)!)).ToArray();
            var group = new ModelGroup(name, deployments);
            if (snapshot.Matched.Count < MaxMatchedNames) group = snapshot.Matched.GetOrAdd(name, group);
            return group;
        }
        return null;
    }

    public ModelGroup? GetGroup(string name) => _snapshot.Groups.GetValueOrDefault(name);

    /// <summary>Every name a client may send: group names, then aliases whose target exists.</summary>
    public IReadOnlyList<string> PublicNames()
    {
        var names = new List<string>(_snapshot.Groups.Keys.Order(StringComparer.Ordinal));
        foreach (var (alias, target) in Aliases.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (_snapshot.Groups.ContainsKey(target) && !_snapshot.Groups.ContainsKey(alias)) names.Add(alias);
        }
        return names;
    }
}

/// <summary>All deployments that serve one public model name.</summary>
public sealed record ModelGroup(string Name, IReadOnlyList<ModelDeployment> Deployments);
