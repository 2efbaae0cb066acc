namespace Bridge.Gateway.StoredResponses;

/// <summary>What loading the conversation before a <c>previous_response_id</c> found.</summary>
public enum LookupStatus : byte
{
    Found,
    /// <summary>No such answer for this caller (never stored, expired, deleted, or another key's).</summary>
    NotFound,
    /// <summary>The conversation is larger than a request may be.</summary>
    TooLarge,
    /// <summary>Redis could not be reached.</summary>
    Unavailable,
}

/// <summary>
/// The items of a stored conversation in order (each segment a JSON array: a turn's input, then its output), and the
/// chain a new answer continuing it records.
/// </summary>
public sealed record ConversationLookup(LookupStatus Status, IReadOnlyList<ReadOnlyMemory<byte>> Segments, string Chain, string? MissingId = null)
{
    public static ConversationLookup Failed(LookupStatus status, string? missingId = null) => new(status, [], "", missingId);
}
