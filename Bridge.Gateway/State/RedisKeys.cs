namespace Bridge.Gateway.State;

/// <summary>Every Redis key and channel Bridge uses; docs/redis-contract.md describes each.</summary>
public static class RedisKeys
{
    public const string Events = "bridge:events";
    public const string Aliases = "bridge:aliases";
    /// <summary>Deployments added at runtime: hash id -> StoredModel JSON (secrets sealed).</summary>
    public const string Models = "bridge:models";
    public const string AliasesSeeded = "bridge:aliases:seeded";
    public const string VirtualKeyIndex = "bridge:vkeys";
    public const string MasterKeyIndex = "bridge:mkeys";
    public const string UsageDays = "bridge:usage:days";
    public const string RecentRequests = "bridge:requests:recent";
    /// <summary>The request log keeps at most this many entries...</summary>
    public const int RecentRequestsKept = 10_000;
    /// <summary>...and none older than this before the newest (trimmed from the tail as new entries arrive).</summary>
    public static readonly TimeSpan RecentRequestsMaxAge = TimeSpan.FromDays(7);
    public const string UsageDeadLetters = "bridge:usage:dead";
    public const int UsageDeadLettersKept = 1000;
    /// <summary>Sorted set: session label -> last seen (unix seconds), the sessions of the last <see cref="UsageSessionWindow"/>.</summary>
    public const string UsageSessions = "bridge:usage:sessions";
    /// <summary>Sorted set: session label -> cost (micro-dollars), the same members as <see cref="UsageSessions"/>.</summary>
    public const string UsageSessionsByCost = "bridge:usage:sessions:by-cost";
    /// <summary>Sessions kept in <see cref="UsageSessions"/>: the least recently seen go first beyond it.</summary>
    public const int UsageSessionsKept = 10_000;
    /// <summary>How long a session's usage is kept after its last request.</summary>
    public static readonly TimeSpan UsageSessionWindow = TimeSpan.FromHours(24);

    /// <summary>A stored Responses answer (hash: owner, chain, input, output, response), expiring.</summary>
    public static string StoredResponse(string id) => $"bridge:response:{id}";
    public static string VirtualKey(string sha256) => $"bridge:vkey:{sha256}";
    public static string VirtualKeyById(string id) => $"bridge:vkey-id:{id}";
    public static string MasterKey(string sha256) => $"bridge:mkey:{sha256}";

    public static string KeyRpm(string keyId, long unixMinute) => $"bridge:rl:key:{keyId}:rpm:{unixMinute}";
    public static string KeyTpm(string keyId, long unixMinute) => $"bridge:rl:key:{keyId}:tpm:{unixMinute}";
    /// <summary>Sorted set: request id -> lease expiry (unix ms), one per request in flight.</summary>
    public static string KeyLeases(string keyId) => $"bridge:lease:key:{keyId}";
    /// <summary>Hash: request id -> worst-case cost (micro-dollars) held against the budget while it runs.</summary>
    public static string KeyHolds(string keyId) => $"bridge:hold:key:{keyId}";
    public static string DeploymentRpm(string deploymentId, long unixMinute) => $"bridge:rl:dep:{deploymentId}:rpm:{unixMinute}";
    public static string DeploymentTpm(string deploymentId, long unixMinute) => $"bridge:rl:dep:{deploymentId}:tpm:{unixMinute}";
    public static string Cooldown(string deploymentId) => $"bridge:cooldown:{deploymentId}";
    public static string Failures(string deploymentId, long unixMinute) => $"bridge:fails:{deploymentId}:{unixMinute}";
    /// <summary>String: the deployment a session is pinned to in a model group; {hash} = hash of key id, session and group.</summary>
    public static string Affinity(string hash) => $"bridge:affinity:{hash}";

    public static string Spend(string keyId, long periodStartUnix) => $"bridge:spend:{keyId}:{periodStartUnix}";
    public static string Usage(string day, string dimension, string name) => $"bridge:usage:{day}:{dimension}:{name}";
    public static string UsageIndex(string day, string dimension) => $"bridge:usage:{day}:{dimension}s";
    public static string UsageSeen(string requestId) => $"bridge:usage:seen:{requestId}";
    /// <summary>Hash: one session's usage over its last 24 h; {label} = <c>SessionKey.Label</c>, never the client's id.</summary>
    public static string UsageSession(string label) => $"bridge:usage:session:{label}";

    /// <summary>Usage dimensions: per key, per model (as the client named it), per deployment.</summary>
    public static readonly string[] UsageDimensions = ["key", "model", "deployment"];

    /// <summary><c>yyyyMMdd</c> in UTC: the day a usage record counts toward.</summary>
    public static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    public static class EventMessages
    {
        public const string AliasesChanged = "aliases";
        public const string ModelsChanged = "models";
        public static string VirtualKeyChanged(string sha256) => $"vkey:{sha256}";
        public static string MasterKeyChanged(string sha256) => $"mkey:{sha256}";
        public static string Cooldown(string deploymentId, long untilUnixMs) => $"cooldown:{deploymentId}:{untilUnixMs}";
    }
}
