namespace Bridge.Gateway.Relay;

/// <summary>What a stream translator made of one upstream item.</summary>
public enum StreamStep : byte
{
    /// <summary>Handled (possibly writing nothing); read on.</summary>
    Continue,
    /// <summary>The response is complete; stop reading.</summary>
    Done,
    /// <summary>
    /// The upstream reported an error in the stream (or sent something unreadable); nothing was written for it and
    /// <see cref="IStreamTranslator.ErrorStatus"/>/<see cref="IStreamTranslator.ErrorMessage"/> describe it.
    /// </summary>
    UpstreamError,
}
