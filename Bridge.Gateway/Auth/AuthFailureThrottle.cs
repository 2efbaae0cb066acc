using System.Net;
using Bridge.Gateway.Configuration;
using Microsoft.Extensions.Caching.Memory;

namespace Bridge.Gateway.Auth;

/// <summary>
/// Counts wrong keys per client address in one-minute windows. Once an address has made
/// <see cref="GatewayOptions.AuthFailuresPerMinute"/> of them, its requests are refused before any key is looked at
/// until the window ends, so a client cannot guess keys (or fill the key cache) at line rate. The table is bounded:
/// past its size, new addresses go uncounted until old windows expire.
/// </summary>
public sealed class AuthFailureThrottle : IDisposable
{
    private const int TrackedAddresses = 100_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly int _limit;
    private readonly TimeProvider _time;
    private readonly MemoryCache _windows = new(new MemoryCacheOptions { SizeLimit = TrackedAddresses, CompactionPercentage = 0.1 });

    public AuthFailureThrottle(GatewayOptions options, TimeProvider time)
    {
        _limit = options.AuthFailuresPerMinute;
        _time = time;
    }

    public bool Enabled => _limit > 0;

    /// <summary>When the address is over its limit: how long until it may try again.</summary>
    public TimeSpan? Blocked(IPAddress? address)
    {
        if (!Enabled || address is null || !_windows.TryGetValue(address, out FailureWindow? window)) return null;
        var now = _time.GetUtcNow();
        lock (window!)
        {
            if (now - window.Started >= Window || window.Failures < _limit) return null;
            return window.Started + Window - now;
        }
    }

    /// <summary>Counts one wrong key from the address.</summary>
    public void Failed(IPAddress? address)
    {
        if (!Enabled || address is null) return;
        var now = _time.GetUtcNow();
        if (!_windows.TryGetValue(address, out FailureWindow? window))
        {
            window = new FailureWindow { Started = now };
            // Kept a little past its window, against the system clock (only the bound on the table depends on it).
            _windows.Set(address, window, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Window * 2 });
        }
        lock (window!)
        {
            if (now - window.Started >= Window)
            {
                window.Started = now;
                window.Failures = 0;
            }
            window.Failures++;
        }
    }

    public void Dispose() => _windows.Dispose();

    private sealed class FailureWindow
    {
        public DateTimeOffset Started;
        public int Failures;
    }
}
