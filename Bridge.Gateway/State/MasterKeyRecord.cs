namespace Bridge.Gateway.State;

/// <summary>A master key created in the Admin, as stored at <c>bridge:mkey:{sha256}</c>.</summary>
public sealed record MasterKeyRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string KeyPrefix { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
