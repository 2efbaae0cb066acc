using Bridge.Admin.Stores;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Admin.Live;

/// <summary>
/// Reads what the overview shows, all from Redis (docs/redis-contract.md): the recent-requests list (rates and
/// percentiles), today's usage hashes (tokens, spend, cache hits, top keys and models) and the deployments' cooldown
/// keys. Read-only; a page calls it every couple of seconds, so it reads a fixed, small number of keys.
/// </summary>
public sealed class OverviewReader(RedisConnection redis, UsageReader usage, VirtualKeyStore keys, BridgeConfig config, TimeProvider time) : RedisStore(redis)
{
    public const int TopCount = 5;

    public async Task<OverviewSnapshot> ReadAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var recentTask = usage.RecentAsync(RedisKeys.RecentRequestsKept, cancellationToken);
        var reportTask = usage.ReadAsync(today, today, cancellationToken);
        var cooldownsTask = CooldownsAsync(now);
        var recent = await recentTask;
        var report = await reportTask;
        var cooldowns = await cooldownsTask;

        var live = LiveStatsCalculator.Compute(recent, now, listFull: recent.Count >= RedisKeys.RecentRequestsKept);
        var topKeys = await KeyLabelsAsync(Busiest(report, UsageReport.Key), recent, cancellationToken);
        var topModels = Busiest(report, UsageReport.Model).Select(t => new TopEntry(t.Name, t.Counters.Requests, t.Counters.CostUsd)).ToList();
        var totals = new TodayTotals(today, report.Totals, topKeys, topModels);
        return new OverviewSnapshot(now, live, totals, Trouble(cooldowns, recent, now - live.Window));
    }

    /// <summary>The names with the most requests (then spend) today.</summary>
    private static List<UsageTotal> Busiest(UsageReport report, string dimension) => report.By(dimension)
        .OrderByDescending(t => t.Counters.Requests).ThenByDescending(t => t.Counters.CostMicros).ThenBy(t => t.Name, StringComparer.Ordinal)
        .Take(TopCount).ToList();

    /// <summary>The live cooldowns of the configured deployments, one MGET (no SCAN over the keyspace).</summary>
    private async Task<Dictionary<string, CooldownRecord>> CooldownsAsync(DateTimeOffset now)
    {
        var found = new Dictionary<string, CooldownRecord>(StringComparer.Ordinal);
        if (config.Deployments.Count == 0) return found;
        var db = await DatabaseAsync();
        var values = await db.StringGetAsync(config.Deployments.Select(d => (RedisKey)RedisKeys.Cooldown(d.Id)).ToArray());
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].IsNullOrEmpty) continue;
            CooldownRecord? record;
            try
            {
                record = StateJson.Deserialize<CooldownRecord>(values[i]!);
            }
            catch (System.Text.Json.JsonException)
            {
                continue; // not ours to judge here; the gateway ignores it the same way
            }
            if (record is not null && record.Until > now) found[config.Deployments[i].Id] = record;
        }
        return found;
    }

    /// <summary>Unavailable (config), cooling down (Redis), then failing (recent 429s and 5xx), each deployment once.</summary>
    private List<DeploymentTrouble> Trouble(Dictionary<string, CooldownRecord> cooldowns, IReadOnlyList<RequestLogEntry> recent, DateTimeOffset since)
    {
        var failures = recent
            .Where(e => e.Time > since && e.Deployment is not null)
            .GroupBy(e => e.Deployment!, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Total: g.Count(), Failed: g.Where(IsDeploymentFailure).ToList()))
            .Where(g => g.Failed.Count > 0)
            .ToDictionary(g => g.Id, StringComparer.Ordinal);

        var trouble = new List<DeploymentTrouble>();
        foreach (var deployment in config.Deployments)
        {
            if (!deployment.IsAvailable)
            {
                trouble.Add(new DeploymentTrouble(deployment.Id, deployment.ModelName, TroubleKind.Unavailable, deployment.UnavailableReason));
            }
            else if (cooldowns.TryGetValue(deployment.Id, out var cooldown))
            {
                trouble.Add(new DeploymentTrouble(deployment.Id, deployment.ModelName, TroubleKind.CoolingDown, cooldown.Reason, cooldown.Until));
            }
            else if (failures.TryGetValue(deployment.Id, out var failed))
            {
                // recent is newest first, so the first failure is the latest.
                var detail = $"{failed.Failed.Count} of its last {failed.Total} request{(failed.Total == 1 ? "" : "s")} failed (latest: {failed.Failed[0].Status})";
                trouble.Add(new DeploymentTrouble(deployment.Id, deployment.ModelName, TroubleKind.Failing, detail));
            }
        }
        return trouble.OrderBy(t => t.Kind).ThenBy(t => t.DeploymentId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Failures that say something about the deployment, not about the client (a 400 or 401 does not).</summary>
    private static bool IsDeploymentFailure(RequestLogEntry entry) => entry.Status is 429 or >= 500;

    /// <summary>
    /// Gateways count master-key requests under <c>master</c> (the config's) or <c>master:{id}</c> (a stored one), all
    /// named "master key" in the log: told apart here, since the chart's categories must differ.
    /// </summary>
    private static string? MasterKeyLabel(string keyId) =>
        keyId == "master" ? "master key" : keyId.StartsWith("master:", StringComparison.Ordinal) ? $"master key {keyId["master:".Length..]}" : null;

    /// <summary>Key names from the recent requests, else from the key's record, else its id.</summary>
    private async Task<List<TopEntry>> KeyLabelsAsync(IReadOnlyList<UsageTotal> top, IReadOnlyList<RequestLogEntry> recent, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in recent)
        {
            if (entry.KeyId is { } id && entry.KeyName is { Length: > 0 } name) names.TryAdd(id, name);
        }
        var entries = new List<TopEntry>(top.Count);
        foreach (var total in top)
        {
            var label = MasterKeyLabel(total.Name)
                ?? names.GetValueOrDefault(total.Name) ?? (await keys.GetAsync(total.Name, cancellationToken))?.Name ?? total.Name;
            entries.Add(new TopEntry(label, total.Counters.Requests, total.Counters.CostUsd));
        }
        return entries;
    }
}
