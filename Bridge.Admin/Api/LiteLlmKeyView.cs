using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Gateway.State;

namespace Bridge.Admin.Api;

/// <summary>A key in LiteLLM's field names (<c>key_alias</c>, <c>user_id</c>, <c>max_budget</c>, <c>expires</c>, <c>spend</c>).</summary>
public record LiteLlmKeyView
{
    /// <summary>LiteLLM calls the stored identifier <c>token</c>; here it is the key's id.</summary>
    public string Token { get; init; } = "";
    public string? KeyAlias { get; init; }
    /// <summary>The shown prefix, e.g. <c>sk-AbCd...</c>.</summary>
    public string KeyName { get; init; } = "";
    public string? UserId { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
    public decimal? MaxBudget { get; init; }
    public string? BudgetDuration { get; init; }
    public decimal Spend { get; init; }
    public int? RpmLimit { get; init; }
    public int? TpmLimit { get; init; }
    public int? MaxParallelRequests { get; init; }
    public DateTimeOffset? Expires { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; init; } = new Dictionary<string, JsonElement>();
    public bool Blocked { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public static LiteLlmKeyView From(VirtualKeyRecord r, long spendMicros = 0) => new()
    {
        Token = r.Id, KeyAlias = r.Name, KeyName = r.KeyPrefix, UserId = r.Owner, Models = r.Models, Aliases = r.Aliases,
        MaxBudget = r.MaxBudgetUsd, BudgetDuration = r.BudgetDuration, Spend = spendMicros / 1_000_000m, RpmLimit = r.RpmLimit,
        TpmLimit = r.TpmLimit, MaxParallelRequests = r.MaxParallelRequests, Expires = r.ExpiresAt, Metadata = r.Metadata,
        Blocked = r.Blocked, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt,
    };
}

/// <summary>The answer to <c>/key/generate</c>: LiteLLM's shape, with the value in <c>key</c> (shown this once).</summary>
public sealed record LiteLlmGeneratedKeyView : LiteLlmKeyView
{
    public LiteLlmGeneratedKeyView(LiteLlmKeyView view, string key) : base(view) => Key = key;

    [JsonPropertyOrder(-1)]
    public string Key { get; init; }

    public override string ToString() => $"LiteLlmGeneratedKeyView {{ Token = {Token} }}";
}
