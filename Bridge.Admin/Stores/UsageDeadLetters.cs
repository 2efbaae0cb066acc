using Bridge.Gateway.State;

namespace Bridge.Admin.Stores;

/// <summary>How many usage records Redis refused (<c>bridge:usage:dead</c>, bounded) and the newest of them.</summary>
public sealed record UsageDeadLetters(long Count, IReadOnlyList<UsageDeadLetter> Latest);
