using System.Text.Json;
using Bridge.Gateway.State;

namespace Bridge.Admin.Stores;

/// <summary>Everything an admin chooses about a virtual key: what create, update and rotate carry over.</summary>
public sealed record VirtualKeySettings
{
    public string? Name { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
    public decimal? MaxBudgetUsd { get; init; }
    public string? BudgetDuration { get; init; }
    public int? RpmLimit { get; init; }
    public int? TpmLimit { get; init; }
    public int? MaxParallelRequests { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; init; } = new Dictionary<string, JsonElement>();
    public bool Blocked { get; init; }

    public static VirtualKeySettings From(VirtualKeyRecord record) => new()
    {
        Name = record.Name,
        Owner = record.Owner,
        Models = record.Models,
        Aliases = record.Aliases,
        MaxBudgetUsd = record.MaxBudgetUsd,
        BudgetDuration = record.BudgetDuration,
        RpmLimit = record.RpmLimit,
        TpmLimit = record.TpmLimit,
        MaxParallelRequests = record.MaxParallelRequests,
        ExpiresAt = record.ExpiresAt,
        Metadata = record.Metadata,
        Blocked = record.Blocked,
    };
}
