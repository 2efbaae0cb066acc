using System.Collections.Concurrent;
using Azure.Core;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Upstream;

/// <summary>
/// Entra ID bearer tokens for Azure deployments without an <c>api_key</c>: one per deployment, kept until five
/// minutes before it expires (half its life for short-lived tokens), then fetched anew by one request while the
/// others keep using the current one. Tokens are never logged.
/// </summary>
public sealed class EntraTokens(EntraCredentialFactory factory, TimeProvider time)
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    private sealed class Slot
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public TokenCredential? Credential;
        public volatile Held? Current;
    }

    /// <summary>A class, not a record: a record's <c>ToString</c> would print the token.</summary>
    private sealed class Held(string token, DateTimeOffset refreshAt, DateTimeOffset expiresAt)
    {
        public string Token { get; } = token;
        public DateTimeOffset RefreshAt { get; } = refreshAt;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
    }

    /// <summary>The bearer token for <paramref name="deployment"/>; throws Azure.Identity's exceptions when none can be had.</summary>
    public async ValueTask<string> GetAsync(ModelDeployment deployment, CancellationToken cancellationToken)
    {
        var auth = deployment.Entra ?? throw new InvalidOperationException($"{deployment.Id} has no Entra ID settings");
        if (auth.Kind == EntraAuthKind.StaticToken) return auth.StaticToken!;

        var slot = _slots.GetOrAdd(deployment.Id, static _ => new Slot());
        var held = slot.Current;
        var now = time.GetUtcNow();
        if (held is not null && now < held.RefreshAt) return held.Token;

        if (held is not null && now < held.ExpiresAt)
        {
            // Still valid: one request refreshes, the others do not wait for it.
            if (!await slot.Gate.WaitAsync(0, cancellationToken)) return held.Token;
        }
        else
        {
            await slot.Gate.WaitAsync(cancellationToken);
        }
        try
        {
            held = slot.Current;
            now = time.GetUtcNow();
            if (held is not null && now < held.RefreshAt) return held.Token;
            try
            {
                // Client credentials get a new credential per refresh: its own cache would hand back the very token
                // this decided to replace. The ambient identity's chain is probed once and kept.
                var credential = auth.Kind == EntraAuthKind.ClientSecret ? factory.Create(auth) : slot.Credential ??= factory.Create(auth);
                var token = await credential.GetTokenAsync(new TokenRequestContext([auth.Scope]), cancellationToken);
                // The token's expiry is on the wall clock; its remaining life is scheduled on the injected one.
                var life = token.ExpiresOn - DateTimeOffset.UtcNow;
                var margin = life > 2 * RefreshMargin ? RefreshMargin : life / 2;
                var fetched = new Held(token.Token, now + life - margin, now + life);
                slot.Current = fetched;
                return fetched.Token;
            }
            catch (Exception) when (held is not null && time.GetUtcNow() < held.ExpiresAt && !cancellationToken.IsCancellationRequested)
            {
                return held.Token; // the authority failed, the current token has not expired yet
            }
        }
        finally
        {
            slot.Gate.Release();
        }
    }
}
