namespace Bridge.Gateway.StoredResponses;

/// <summary>
/// One answer of the Responses API kept for <c>previous_response_id</c> and <c>GET /v1/responses/{id}</c>: who may read
/// it, the ids of the answers before it in its conversation (oldest first), and this turn's own input and output items.
/// </summary>
public sealed record StoredResponse(
    string Id,
    string Owner,
    string Chain,
    ReadOnlyMemory<byte> InputItems,
    ReadOnlyMemory<byte> OutputItems,
    ReadOnlyMemory<byte> Response);

/// <summary>One turn's stored input or output items: a JSON array, as kept in Redis.</summary>
public sealed record StoredItems(string Turn, bool IsOutput, ReadOnlyMemory<byte> Json);
