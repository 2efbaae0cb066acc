using Bridge.Gateway.Configuration;
using Bridge.Gateway.State;

namespace Bridge.Gateway.Auth;

/// <summary>
/// Accepts the configured master key (constant-time), master keys created in the Admin, and virtual keys
/// (looked up by hash in Redis). Blocked and expired virtual keys are refused with the reason.
/// </summary>
public sealed class GatewayAuthenticator(BridgeConfig config, GatewayOptions options, KeyDirectory keys, TimeProvider time) : ICallerAuthenticator
{
    private readonly byte[]? _masterDigest = config.MasterKey is null ? null : SecretComparer.Digest(config.MasterKey);

    public async ValueTask<AuthOutcome> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken, string? presentedHash = null)
    {
        if (config.MasterKey is null && options.AllowNoAuth) return AuthOutcome.Success(Caller.Anonymous);
        if (presentedKey is null)
        {
            return AuthOutcome.Fail("Missing API key: send it as 'x-api-key' or 'Authorization: Bearer <key>'.");
        }
        if (_masterDigest is not null && SecretComparer.FixedTimeEquals(presentedKey, _masterDigest))
        {
            return AuthOutcome.Success(Caller.Master);
        }

        var lookup = await keys.FindAsync(presentedKey, cancellationToken, presentedHash);
        switch (lookup.Result)
        {
            case KeyLookupResult.MasterKey:
                return AuthOutcome.Success(new Caller($"master:{lookup.MasterKey!.Id}", true));
            case KeyLookupResult.VirtualKey:
                var key = lookup.VirtualKey!;
                if (key.Blocked) return AuthOutcome.Fail($"API key '{key.KeyPrefix}' is blocked.");
                if (key.ExpiresAt is { } expires && expires <= time.GetUtcNow())
                {
                    return AuthOutcome.Fail($"API key '{key.KeyPrefix}' expired at {expires:u}.");
                }
                return AuthOutcome.Success(new Caller(key.Id, false, key));
            case KeyLookupResult.Unavailable:
                return AuthOutcome.Fail("This key cannot be verified right now: the key store is unreachable. Try again shortly.", 503);
            default:
                return AuthOutcome.Wrong("Invalid API key.");
        }
    }
}
