using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Gateway.State;

namespace Bridge.Admin.Api;

/// <summary>A virtual key as the management API returns it: everything but the value.</summary>
public record KeyView
{
    public string Id { get; init; } = "";
    public string? Name { get; init; }
    public string? Owner { get; init; }
    public string KeyPrefix { get; init; } = "";
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
    public decimal? MaxBudgetUsd { get; init; }
    public string? BudgetDuration { get; init; }
    public DateTimeOffset BudgetAnchor { get; init; }
    public decimal? SpendUsd { get; init; }
    public int? RpmLimit { get; init; }
    public int? TpmLimit { get; init; }
    public int? MaxParallelRequests { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; init; } = new Dictionary<string, JsonElement>();
    public bool Blocked { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public static KeyView From(VirtualKeyRecord r, long? spendMicros = null) => new()
    {
        Id = r.Id, KeyPrefix = r.KeyPrefix, Name = r.Name, Owner = r.Owner, Models = r.Models, Aliases = r.Aliases,
        MaxBudgetUsd = r.MaxBudgetUsd, BudgetDuration = r.BudgetDuration, BudgetAnchor = r.BudgetAnchor, SpendUsd = spendMicros / 1_000_000m,
        RpmLimit = r.RpmLimit, TpmLimit = r.TpmLimit, MaxParallelRequests = r.MaxParallelRequests, ExpiresAt = r.ExpiresAt,
        Metadata = r.Metadata, Blocked = r.Blocked, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt,
    };
}

/// <summary>The answer to create and rotate: the only response that ever carries the key's value.</summary>
public sealed record CreatedKeyView : KeyView
{
    public CreatedKeyView(KeyView view, string key) : base(view) => Key = key;

    [JsonPropertyOrder(-1)]
    public string Key { get; init; }

    public static CreatedKeyView From(VirtualKeyRecord r, string key) => new(KeyView.From(r, 0), key);

    /// <summary>Never prints the key (a record's generated ToString would).</summary>
    public override string ToString() => $"CreatedKeyView {{ Id = {Id}, KeyPrefix = {KeyPrefix} }}";
}
