namespace Bridge.Admin.Stores;

/// <summary>One day's counters for one key (by id), model or deployment.</summary>
public sealed record UsageRow(DateOnly Day, string Dimension, string Name, UsageCounters Counters);

/// <summary>Counters summed over a range for one name of a dimension.</summary>
public sealed record UsageTotal(string Name, UsageCounters Counters);
