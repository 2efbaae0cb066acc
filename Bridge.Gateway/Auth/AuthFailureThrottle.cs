using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Auth;

/// <summary>
/// Limits key guessing per client address: at most <see cref="GatewayOptions.AuthFailuresPerMinute"/> wrong keys in a
/// one-minute window, counting the checks still in progress, so a burst of concurrent guesses cannot all pass before
/// the first failure is counted. Only keys this replica cannot already tell are valid go through it (see
/// <c>KeyDirectory.IsKnownValid</c>): a known virtual key is served even when its address is blocked, while the
/// configured master key, the prize a guesser is after, is throttled like any unknown key.
/// <para>
/// Addresses are counted per IPv4 address and per IPv6 /64 (a client controls its whole /64). The table is bounded:
/// when it is full of live windows, new addresses share one overflow window, so a flood from many addresses is
/// throttled as one client rather than not at all.
/// </para>
/// </summary>
public sealed class AuthFailureThrottle(GatewayOptions options, TimeProvider time)
{
    private const int TrackedAddresses = 100_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromSeconds(10);

    private readonly int _limit = options.AuthFailuresPerMinute;
    private readonly ConcurrentDictionary<IPAddress, FailureWindow> _windows = new();
    private readonly FailureWindow _overflow = new();
    private long _lastPruneTicks;

    public bool Enabled => _limit > 0;

    /// <summary>
    /// Starts checking a key from <paramref name="address"/>. Returns null when the check may go on (then call
    /// <see cref="End"/> once it is decided), or how long the address must wait.
    /// </summary>
    public TimeSpan? Begin(IPAddress? address)
    {
        if (!Enabled || address is null) return null;
        var now = time.GetUtcNow();
        var window = WindowFor(Normalize(address), now);
        lock (window)
        {
            window.ResetIfOver(now);
            if (window.Failures + window.Pending >= _limit)
            {
                // Only checks in flight stand in the way: they end within a second or so.
                return window.Failures >= _limit ? window.Started + Window - now : TimeSpan.FromSeconds(1);
            }
            window.Pending++;
            return null;
        }
    }

    /// <summary>Ends a check started with <see cref="Begin"/>; a wrong key counts against the address.</summary>
    public void End(IPAddress? address, bool wrongKey)
    {
        if (!Enabled || address is null) return;
        var now = time.GetUtcNow();
        var window = WindowFor(Normalize(address), now);
        lock (window)
        {
            window.Pending = Math.Max(0, window.Pending - 1);
            if (!wrongKey) return;
            window.ResetIfOver(now);
            window.Failures++;
        }
    }

    private FailureWindow WindowFor(IPAddress address, DateTimeOffset now)
    {
        if (_windows.TryGetValue(address, out var window)) return window;
        if (_windows.Count >= TrackedAddresses)
        {
            PruneIfDue(now);
            if (_windows.Count >= TrackedAddresses) return _overflow;
        }
        return _windows.GetOrAdd(address, static (_, started) => new FailureWindow { Started = started }, now);
    }

    /// <summary>Drops windows that are over and have nothing in flight; at most once per <see cref="PruneEvery"/>.</summary>
    private void PruneIfDue(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastPruneTicks);
        if (now.UtcTicks - last < PruneEvery.Ticks || Interlocked.CompareExchange(ref _lastPruneTicks, now.UtcTicks, last) != last) return;
        foreach (var (address, window) in _windows)
        {
            bool idle;
            lock (window) idle = window.Pending == 0 && now - window.Started >= Window;
            if (idle) _windows.TryRemove(address, out _);
        }
    }

    /// <summary>IPv4 (also when mapped into IPv6) as is; IPv6 cut to its /64.</summary>
    private static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private sealed class FailureWindow
    {
        public DateTimeOffset Started;
        public int Failures;
        public int Pending;

        public void ResetIfOver(DateTimeOffset now)
        {
            if (now - Started < Window) return;
            Started = now;
            Failures = 0;
        }
    }
}
