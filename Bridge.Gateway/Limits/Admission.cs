using Bridge.Gateway.State;

namespace Bridge.Gateway.Limits;

/// <summary>An admitted request: release it when the response has ended.</summary>
public sealed class Admission
{
    public static readonly Admission Unlimited = new(null, "", null, null, 0);

    internal Admission(VirtualKeyRecord? key, string requestId, string? leaseKey, string? holdKey, long reservedMicros)
    {
        Key = key;
        RequestId = requestId;
        LeaseKey = leaseKey;
        HoldKey = holdKey;
        ReservedMicros = reservedMicros;
    }

    internal VirtualKeyRecord? Key { get; }
    /// <summary>The lease's member in <see cref="LeaseKey"/> and the reservation's field in <see cref="HoldKey"/>.</summary>
    internal string RequestId { get; }
    /// <summary>The key's lease set, when it has a parallel limit or a budget (null otherwise).</summary>
    internal string? LeaseKey { get; }
    /// <summary>The key's budget reservations, when it has a budget.</summary>
    internal string? HoldKey { get; }
    /// <summary>The worst-case cost held against the budget until the request ends (micro-dollars).</summary>
    internal long ReservedMicros { get; }
    /// <summary>Renews the lease while the request runs (null without a lease).</summary>
    internal ITimer? Renewal { get; set; }
    internal int Released;
    /// <summary>Admitted by this replica's own counters while Redis was unreachable; released there too.</summary>
    internal bool Local { get; init; }

    public long? BudgetPeriodStart { get; init; }
    /// <summary>The key's spend in its budget period when it was admitted (micro-dollars), when the key has a budget.</summary>
    public long? SpendMicros { get; init; }
    /// <summary>Values for <c>x-ratelimit-*</c> response headers (null when the key has no such limit).</summary>
    public int? RemainingRequests { get; init; }
    public long? RemainingTokens { get; init; }
}
