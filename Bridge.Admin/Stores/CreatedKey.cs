namespace Bridge.Admin.Stores;

/// <summary>A freshly created or rotated key: <see cref="Key"/> is the only copy of the value there will ever be.</summary>
public sealed record CreatedKey<TRecord>(TRecord Record, string Key)
{
    /// <summary>Never prints the key (a record's generated ToString would).</summary>
    public override string ToString() => $"CreatedKey {{ Record = {Record} }}";
}
