using System.Collections.Concurrent;

namespace Bridge.Admin.Auth;

/// <summary>
/// Per-client memory of failed sign-ins. After <see cref="AdminAuthOptions.FailuresBeforeLockout"/> consecutive
/// failures a client is locked out, for a time that doubles with each further failure up to a cap.
/// In memory only: a restart forgets, and each admin replica counts on its own.
/// </summary>
public sealed class LoginThrottle(TimeProvider time, AdminAuthOptions options)
{
    private readonly ConcurrentDictionary<string, Entry> _clients = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="client"/> must still wait, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        if (!_clients.TryGetValue(client, out var entry)) return null;
        lock (entry)
        {
            var wait = entry.LockedUntil - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : null;
        }
    }

    /// <summary>Counts a failure; returns the number of consecutive failures so far.</summary>
    public int RecordFailure(string client)
    {
        var now = time.GetUtcNow();
        if (_clients.Count >= options.MaxTrackedClients) Prune(now);
        var entry = _clients.GetOrAdd(client, _ => new Entry());
        lock (entry)
        {
            if (now - entry.LastFailure > options.ForgetFailuresAfter) entry.Failures = 0;
            entry.Failures++;
            entry.LastFailure = now;
            var beyond = entry.Failures - options.FailuresBeforeLockout;
            if (beyond >= 0)
            {
                var lockout = options.FirstLockout * Math.Pow(2, Math.Min(beyond, 30));
                entry.LockedUntil = now + (lockout < options.MaxLockout ? lockout : options.MaxLockout);
            }
            return entry.Failures;
        }
    }

    public void RecordSuccess(string client) => _clients.TryRemove(client, out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (client, entry) in _clients)
        {
            bool stale;
            lock (entry) stale = now - entry.LastFailure > options.ForgetFailuresAfter && entry.LockedUntil <= now;
            if (stale) _clients.TryRemove(client, out _);
        }
    }

    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset LastFailure;
        public DateTimeOffset LockedUntil;
    }
}
