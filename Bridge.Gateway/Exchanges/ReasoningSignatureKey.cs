using System.Security.Cryptography;
using System.Text;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// The key that signs the upstream's encrypted reasoning carried in thinking-block signatures. Derived from the
/// master key, so every replica (and every restart) verifies what another signed; without a master key it is
/// random per process, and a signature from before a restart is simply not sent back.
/// </summary>
public sealed class ReasoningSignatureKey(BridgeConfig config)
{
    public byte[] Key { get; } = config.MasterKey is { Length: > 0 } master
        ? HMACSHA256.HashData(Encoding.UTF8.GetBytes(master), "bridge reasoning signature v1"u8)
        : RandomNumberGenerator.GetBytes(32);
}
