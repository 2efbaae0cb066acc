namespace Bridge.Gateway.Buffers;

/// <summary>A buffer could not grow: its <see cref="MemoryBudget"/> is used up by other requests.</summary>
public sealed class MemoryBudgetExceededException() : Exception("The memory budget for request bodies is used up.");
