using System.Text.Json;

namespace Bridge.Admin.Api;

/// <summary>The body of create and update (documentation only: bodies are read field by field, see <see cref="KeyFields"/>).</summary>
public sealed record KeyRequest(
    string? Name,
    string? Owner,
    IReadOnlyList<string>? Models,
    IReadOnlyDictionary<string, string>? Aliases,
    decimal? MaxBudgetUsd,
    string? BudgetDuration,
    int? RpmLimit,
    int? TpmLimit,
    int? MaxParallelRequests,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, JsonElement>? Metadata,
    bool? Blocked);
