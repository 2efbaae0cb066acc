using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bridge.Gateway.State;

/// <summary>A virtual key as stored at <c>bridge:vkey:{sha256}</c>. The key itself is never stored.</summary>
public sealed record VirtualKeyRecord
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Owner { get; init; }
    /// <summary>First characters of the key plus "...", for recognition in lists.</summary>
    public required string KeyPrefix { get; init; }
    /// <summary>Allowed model names or patterns (<c>gpt-*</c>, <c>*</c>); empty means every model.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
    /// <summary>Per-key aliases, applied before the global ones.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("max_budget_usd")]
    [JsonConverter(typeof(SaturatingDecimalConverter))]
    public decimal? MaxBudgetUsd { get; init; }
    /// <summary><c>1d</c>, <c>7d</c>, <c>30d</c> or <c>1mo</c> (calendar month); null = the budget never resets.</summary>
    public string? BudgetDuration { get; init; }
    /// <summary>Start of the first budget period; periods follow each other from here.</summary>
    public DateTimeOffset BudgetAnchor { get; init; }
    public int? RpmLimit { get; init; }
    public int? TpmLimit { get; init; }
    public int? MaxParallelRequests { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; init; } = new Dictionary<string, JsonElement>();
    public bool Blocked { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
