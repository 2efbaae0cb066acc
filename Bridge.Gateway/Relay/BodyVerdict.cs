namespace Bridge.Gateway.Relay;

public enum BodyVerdict : byte
{
    /// <summary>A usable answer: send it.</summary>
    Ok,
    /// <summary>The body is not the JSON the protocol promises.</summary>
    Malformed,
    /// <summary>A 200 whose body is an error object.</summary>
    UpstreamError,
}
