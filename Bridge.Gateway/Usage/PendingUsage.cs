namespace Bridge.Gateway.Usage;

/// <summary>A usage record taken from the queue and not written yet, with how often Redis refused it.</summary>
internal sealed class PendingUsage(UsageRecord record)
{
    public UsageRecord Record { get; } = record;

    /// <summary>Times Redis answered this record with an error (not counting outages).</summary>
    public int Refusals { get; set; }

    /// <summary>Redis's last answer to it, kept for the dead-letter entry.</summary>
    public string? Reason { get; set; }
}
