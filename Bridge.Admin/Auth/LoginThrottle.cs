using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Bridge.Admin.Auth;

/// <summary>
/// Per-client memory of failed sign-ins. After <see cref="AdminAuthOptions.FailuresBeforeLockout"/> consecutive
/// failures a client is locked out, for a time that doubles with each further failure up to a cap.
/// An IPv6 client is counted by its /64 (one subscriber's allocation), so it cannot rotate addresses within it.
/// At most <see cref="AdminAuthOptions.MaxTrackedClients"/> clients are tracked; past that, every new address counts in
/// one shared overflow bucket, so a flood from many addresses is throttled as one client (and fails closed).
/// In memory only: a restart forgets, and each admin replica counts on its own.
/// </summary>
public sealed class LoginThrottle(TimeProvider time, AdminAuthOptions options)
{
    // A full table is swept for forgotten entries at most this often: a sweep is O(tracked clients), and a flood of
    // failures from new addresses would otherwise pay it on every one.
    internal static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _clients = new(StringComparer.Ordinal);
    private readonly Entry _overflow = new();
    private readonly Lock _pruneGate = new();
    // Kept by hand: ConcurrentDictionary.Count takes every lock of the table.
    private int _tracked;
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    internal int TrackedClients => Volatile.Read(ref _tracked);
    internal int Prunes { get; private set; }

    /// <summary>How long <paramref name="client"/> must still wait, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        // A client not tracked shares the overflow bucket's lockout (none unless the table has overflowed lately).
        var entry = _clients.TryGetValue(KeyOf(client), out var own) ? own : _overflow;
        return entry.Wait(time.GetUtcNow());
    }

    /// <summary>Counts a failure; returns the number of consecutive failures so far (of the overflow bucket, when full).</summary>
    public int RecordFailure(string client)
    {
        var now = time.GetUtcNow();
        var key = KeyOf(client);
        if (!_clients.TryGetValue(key, out var entry))
        {
            if (TrackedClients >= options.MaxTrackedClients) PruneIfDue(now);
            entry = TrackedClients >= options.MaxTrackedClients ? _overflow : Track(key);
        }
        return entry.Fail(now, options);
    }

    public void RecordSuccess(string client)
    {
        if (_clients.TryRemove(KeyOf(client), out _)) Interlocked.Decrement(ref _tracked);
    }

    /// <summary>What a client is counted as: its address, or its /64 network for IPv6 (an IPv4-mapped address counts as IPv4).</summary>
    internal static string KeyOf(string client)
    {
        if (!client.Contains(':', StringComparison.Ordinal) || !IPAddress.TryParse(client, out var address)) return client;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return client;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private Entry Track(string key)
    {
        var fresh = new Entry();
        while (true)
        {
            if (_clients.TryAdd(key, fresh))
            {
                Interlocked.Increment(ref _tracked);
                return fresh;
            }
            if (_clients.TryGetValue(key, out var existing)) return existing;
        }
    }

    private void PruneIfDue(DateTimeOffset now)
    {
        // One sweeper at a time; the others go on (to the overflow bucket) rather than wait for it.
        if (!_pruneGate.TryEnter()) return;
        try
        {
            if (now < _nextPrune) return;
            _nextPrune = now + PruneInterval;
            Prunes++;
            foreach (var (client, entry) in _clients)
            {
                if (entry.IsForgotten(now, options) && _clients.TryRemove(client, out _)) Interlocked.Decrement(ref _tracked);
            }
        }
        finally
        {
            _pruneGate.Exit();
        }
    }

    private sealed class Entry
    {
        private int _failures;
        private DateTimeOffset _lastFailure;
        private DateTimeOffset _lockedUntil;

        public TimeSpan? Wait(DateTimeOffset now)
        {
            lock (this)
            {
                var wait = _lockedUntil - now;
                return wait > TimeSpan.Zero ? wait : null;
            }
        }

        public int Fail(DateTimeOffset now, AdminAuthOptions options)
        {
            lock (this)
            {
                if (now - _lastFailure > options.ForgetFailuresAfter) _failures = 0;
                _failures++;
                _lastFailure = now;
                var beyond = _failures - options.FailuresBeforeLockout;
                if (beyond >= 0)
                {
                    var lockout = options.FirstLockout * Math.Pow(2, Math.Min(beyond, 30));
                    _lockedUntil = now + (lockout < options.MaxLockout ? lockout : options.MaxLockout);
                }
                return _failures;
            }
        }

        public bool IsForgotten(DateTimeOffset now, AdminAuthOptions options)
        {
            lock (this) return now - _lastFailure > options.ForgetFailuresAfter && _lockedUntil <= now;
        }
    }
}
