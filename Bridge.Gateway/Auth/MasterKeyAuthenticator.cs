using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Auth;

/// <summary>Accepts the configured master key (constant-time); with <c>--allow-no-auth</c> and no key, everyone.</summary>
public sealed class MasterKeyAuthenticator(BridgeConfig config, GatewayOptions options) : ICallerAuthenticator
{
    public ValueTask<AuthOutcome> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken)
    {
        if (config.MasterKey is null)
        {
            return ValueTask.FromResult(options.AllowNoAuth
                ? AuthOutcome.Success(Caller.Anonymous)
                : AuthOutcome.Fail("No master key is configured on this gateway."));
        }
        if (presentedKey is null)
        {
            return ValueTask.FromResult(AuthOutcome.Fail("Missing API key: send it as 'x-api-key' or 'Authorization: Bearer <key>'."));
        }
        return ValueTask.FromResult(SecretComparer.FixedTimeEquals(presentedKey, config.MasterKey)
            ? AuthOutcome.Success(Caller.Master)
            : AuthOutcome.Fail("Invalid API key."));
    }
}
