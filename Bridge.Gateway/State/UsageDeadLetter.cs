namespace Bridge.Gateway.State;

/// <summary>
/// One line of <c>bridge:usage:dead</c>: a usage record Redis refused, kept with the reason so it is seen (the Admin's
/// Usage page) instead of blocking the queue or vanishing. Counters only, never any prompt or completion content.
/// </summary>
public sealed record UsageDeadLetter
{
    public DateTimeOffset FailedAt { get; init; }
    public required string Reason { get; init; }
    public int Attempts { get; init; }
    public required string RequestId { get; init; }
    public DateTimeOffset Time { get; init; }
    public string? KeyId { get; init; }
    public string? KeyName { get; init; }
    public required string Model { get; init; }
    public string? Deployment { get; init; }
    public int Status { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CachedTokens { get; init; }
    public long CostMicros { get; init; }
    public long? BudgetPeriodStart { get; init; }
}
