using System.Buffers;

namespace Bridge.Gateway.Relay;

/// <summary>
/// The non-streaming half of a pair: turns a whole upstream body into the client's body. An identity translator
/// writes nothing and returns <see cref="BodyTranslation.Identity"/>: the upstream's bytes go out as they came.
/// </summary>
public interface IResponseTranslator
{
    BodyTranslation Translate(ReadOnlyMemory<byte> upstream, IBufferWriter<byte> output);
}
