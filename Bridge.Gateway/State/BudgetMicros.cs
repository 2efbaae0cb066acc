namespace Bridge.Gateway.State;

/// <summary>
/// Budgets in micro-dollars (the unit of <c>bridge:spend:*</c>). A budget of more than about 9.2e12 USD does not
/// fit a long in micro-dollars, so the Admin accepts at most <see cref="MaxBudgetUsd"/> and the gateway reads any
/// larger stored value as "no practical limit" instead of overflowing.
/// </summary>
public static class BudgetMicros
{
    /// <summary>The largest <c>max_budget</c> the Admin accepts: one trillion US dollars.</summary>
    public const decimal MaxBudgetUsd = 1_000_000_000_000m;

    private const decimal LargestFitting = long.MaxValue / 1_000_000m;

    /// <summary>The budget in micro-dollars, saturating at <see cref="long.MaxValue"/> (and at 0 below zero).</summary>
    public static long FromUsd(decimal usd) =>
        usd >= LargestFitting ? long.MaxValue : usd <= 0 ? 0 : (long)(usd * 1_000_000m);
}
