namespace Bridge.Admin.Stores;

/// <summary>
/// One session's usage over its last 24 hours (<c>bridge:usage:session:{label}</c>). <see cref="Label"/> is a hash
/// of the caller's key and the client's session id (the first 16 hex of the <c>prompt_cache_key</c> Bridge sends);
/// the id itself is never stored.
/// </summary>
public sealed record SessionUsage(
    string Label, string? KeyId, string? KeyName, string? Source, string? Model, IReadOnlyList<SessionModel> Models,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen, UsageCounters Counters);
