using System.Text.Json.Nodes;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Hosting;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Gateway.Models.Stored;

/// <summary>
/// Keeps the catalog's deployments current without a restart: <c>config.yaml</c>'s <c>model_list</c> (re-read when the
/// file changes; a file that no longer loads is logged and the previous deployments keep serving) plus the deployments
/// stored in Redis (<see cref="StoredModelStore"/>; re-read on the <c>models</c> notice every replica receives, and
/// every 30 s as a backstop for a missed notice). Other settings in the file (router, keys) need a restart.
/// </summary>
public sealed partial class ModelSources(
    ModelCatalog catalog, StoredModelStore store, RedisConnection redis, GatewayOptions options, IConfiguration configuration,
    TimeProvider time, ILogger<ModelSources> logger) : BackgroundService, IStateEventHandler
{
    private static readonly TimeSpan FilePoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StoredBackstop = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<ModelDeployment> _fileDeployments = catalog.Config.Deployments;
    private IReadOnlyList<StoredModel> _stored = [];
    private (DateTime, long)? _fileStamp;

    /// <summary>
    /// Why the config file's last change did not load (the previous deployments keep serving), or null once it loads;
    /// <c>/health/deployments</c> says it in a header and the admin's Deployments page shows it.
    /// </summary>
    public string? FileError { get; private set; }

    public void OnEvent(string message)
    {
        if (message == RedisKeys.EventMessages.ModelsChanged) _ = RebuildAsync(reloadFile: false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _fileStamp = Stamp();
        await RebuildAsync(reloadFile: false);
        var lastStored = time.GetTimestamp();
        using var timer = new PeriodicTimer(FilePoll, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var stamp = Stamp();
                var fileChanged = stamp is not null && stamp != _fileStamp;
                if (fileChanged) _fileStamp = stamp;
                if (fileChanged || time.GetElapsedTime(lastStored) >= StoredBackstop)
                {
                    await RebuildAsync(fileChanged);
                    lastStored = time.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private (DateTime, long)? Stamp()
    {
        if (options.ConfigPath is not { } path) return null;
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Re-reads the file (when asked) and the stored deployments, and swaps the catalog's set.</summary>
    public async Task RebuildAsync(bool reloadFile)
    {
        await _gate.WaitAsync();
        try
        {
            IReadOnlyDictionary<string, string>? aliases = null;
            if (reloadFile)
            {
                try
                {
                    var reloaded = GatewaySetup.LoadConfig(options.ConfigPath, options.AllowNoAuth, configuration);
                    _fileDeployments = reloaded.Deployments;
                    aliases = reloaded.Aliases;
                    FileError = null;
                    LogFileReloaded(logger, options.ConfigPath ?? "", reloaded.Deployments.Count);
                }
                catch (ConfigException ex)
                {
                    LogFileRejected(logger, ex.Message);
                    FileError = ex.Message;
                    return;
                }
            }
            if (redis.IsConfigured)
            {
                try
                {
                    _stored = await store.ListAsync();
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // Redis away: the stored deployments last read keep serving.
                }
            }
            var deployments = new List<ModelDeployment>(_fileDeployments);
            var env = GatewaySetup.EnvironmentFor(options.ConfigPath, configuration);
            foreach (var model in _stored.Where(m => !m.Disabled))
            {
                if (Parse(model, env) is { } deployment) deployments.Add(deployment);
            }
            catalog.ReplaceDeployments(deployments, aliases);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A stored entry as a deployment, its secrets opened in memory only.</summary>
    private ModelDeployment? Parse(StoredModel model, EnvironmentSource env)
    {
        var opened = (JsonObject)model.LitellmParams.DeepClone();
        string? unreadable = null;
        foreach (var key in ModelSecrets.SecretParams)
        {
            if (opened[key] is not JsonValue value || !value.TryGetValue<string>(out var text) || !ModelSecrets.IsSealed(text)) continue;
            if (store.Secrets.Open(text) is { } plain) opened[key] = plain;
            else
            {
                opened.Remove(key);
                unreadable ??= $"litellm_params.{key} cannot be decrypted (Bridge:ModelSecretsKey or the master key changed since it was stored)";
            }
        }
        try
        {
            var entry = (model with { LitellmParams = opened }).ToModelListEntry();
            return ConfigLoader.ParseEntry(entry, $"stored model {model.Id}", env, [], unreadable);
        }
        catch (ConfigException ex)
        {
            LogStoredRejected(logger, model.Id, ex.Message);
            return null;
        }
    }

    [LoggerMessage(40, LogLevel.Information, "Reloaded {Path}: {Count} deployment(s) from the file")]
    private static partial void LogFileReloaded(ILogger logger, string path, int count);

    [LoggerMessage(41, LogLevel.Error, "config.yaml changed but does not load, so the previous deployments keep serving: {Reason}")]
    private static partial void LogFileRejected(ILogger logger, string reason);

    [LoggerMessage(42, LogLevel.Warning, "Stored deployment {Id} is skipped: {Reason}")]
    private static partial void LogStoredRejected(ILogger logger, string id, string reason);
}
