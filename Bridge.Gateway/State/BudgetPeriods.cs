namespace Bridge.Gateway.State;

/// <summary>Budget periods of a virtual key: where the current one started and when it resets.</summary>
public static class BudgetPeriods
{
    /// <summary>Validates a <c>budget_duration</c> (<c>1d</c>, <c>7d</c>, <c>30d</c>, <c>1mo</c>, any <c>Nd</c>/<c>Nh</c>/<c>Nmo</c>).</summary>
    public static bool IsValid(string? duration) => duration is null || TryParse(duration, out _, out _);

    /// <summary>The current period's start and end; without a duration the budget spans all time.</summary>
    public static (DateTimeOffset Start, DateTimeOffset? End) Current(VirtualKeyRecord key, DateTimeOffset now)
    {
        if (key.BudgetDuration is null || !TryParse(key.BudgetDuration, out var span, out var months))
        {
            return (DateTimeOffset.UnixEpoch, null);
        }
        var start = key.BudgetAnchor;
        if (months > 0)
        {
            var elapsed = (now.Year - start.Year) * 12 + now.Month - start.Month;
            var candidate = start.AddMonths(elapsed - elapsed % months);
            if (candidate > now) candidate = candidate.AddMonths(-months);
            return (candidate, candidate.AddMonths(months));
        }
        var periods = Math.Max(0, (long)Math.Floor((now - start) / span));
        var current = start + span * periods;
        return (current, current + span);
    }

    private static bool TryParse(string text, out TimeSpan span, out int months)
    {
        span = default;
        months = 0;
        text = text.Trim();
        if (text.EndsWith("mo", StringComparison.Ordinal) && int.TryParse(text[..^2], out var m) && m > 0)
        {
            months = m;
            return true;
        }
        if (text.Length < 2 || !int.TryParse(text[..^1], out var n) || n <= 0) return false;
        span = text[^1] switch
        {
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            's' => TimeSpan.FromSeconds(n),
            _ => TimeSpan.Zero,
        };
        return span > TimeSpan.Zero;
    }
}
