namespace Bridge.LoadTest.Macro;

/// <summary>Where a load run sends its requests: the fake upstream directly, or Bridge in front of it.</summary>
/// <param name="Name">direct or bridge</param>
/// <param name="Url">full URL of the endpoint</param>
/// <param name="Body">request body (Anthropic for Bridge, the same request as Bridge sends it upstream for direct)</param>
/// <param name="Headers">auth headers</param>
public sealed record Target(string Name, Uri Url, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
