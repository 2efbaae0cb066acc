using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models;
using Bridge.Gateway.Routing;

namespace Bridge.Tests.Routing;

/// <summary>Deployments, groups, contexts and pick counting for the routing tests.</summary>
internal static class RoutingFixtures
{
    public const int Seed = 1234;

    /// <summary>12:00:15.5 UTC: inside a minute, so the minute window's end is 44.5 s away.</summary>
    public static readonly DateTimeOffset Noon = new(2025, 6, 1, 12, 0, 15, 500, TimeSpan.Zero);

    public static ModelDeployment Deployment(
        string id, double? weight = null, int? rpm = null, int? tpm = null, int? order = null, string? unavailable = null) => new()
    {
        Id = id,
        ModelName = "gpt-test",
        Provider = ProviderKind.OpenAI,
        UpstreamModel = "gpt-4o",
        ConfiguredModel = $"openai/{id}",
        Weight = weight,
        Rpm = rpm,
        Tpm = tpm,
        Order = order,
        UnavailableReason = unavailable,
    };

    public static ModelGroup Group(params ModelDeployment[] deployments) => new("gpt-test", deployments);

    public static RoutingContext Context(FakeStatsSource? stats = null, bool streaming = false, double buffer = 0.1, string group = "gpt-test") =>
        new(group, stats ?? new FakeStatsSource(), new Random(Seed), new ManualTimeProvider(Noon), streaming,
            new RoutingStrategyArgs { LowestLatencyBuffer = buffer });

    public static DeploymentRouter Router(string strategy, FakeStatsSource stats, TimeProvider time, double buffer = 0.1) =>
        new(new RouterSettings { RoutingStrategy = strategy }, stats, time, new Random(Seed), new RoutingStrategyArgs { LowestLatencyBuffer = buffer });

    /// <summary>How often each deployment id came out of <paramref name="times"/> calls of <paramref name="pick"/>.</summary>
    public static Dictionary<string, int> Count(int times, Func<ModelDeployment?> pick)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < times; i++)
        {
            var d = pick() ?? throw new Xunit.Sdk.XunitException("the pick returned no deployment");
            counts[d.Id] = counts.GetValueOrDefault(d.Id) + 1;
        }
        return counts;
    }

    public static Dictionary<string, int> Count(int times, IRoutingStrategy strategy, IReadOnlyList<ModelDeployment> candidates, RoutingContext context) =>
        Count(times, () => strategy.Pick(candidates, context));

    public static Dictionary<string, int> Count(int times, DeploymentRouter router, ModelGroup group, IReadOnlySet<string>? exclude = null, bool streaming = false) =>
        Count(times, () =>
        {
            var decision = router.Pick(group, streaming, exclude ?? new HashSet<string>());
            return decision.Succeeded ? decision.Deployment : throw new Xunit.Sdk.XunitException($"no deployment: {decision.Message}");
        });

    /// <summary>Asserts that <paramref name="id"/> got <paramref name="expected"/> of the picks, within <paramref name="tolerance"/>.</summary>
    public static void AssertShare(Dictionary<string, int> counts, string id, double expected, double tolerance = 0.02)
    {
        var total = counts.Values.Sum();
        var share = (double)counts.GetValueOrDefault(id) / total;
        Assert.True(Math.Abs(share - expected) <= tolerance,
            $"'{id}' got {share:P2} of {total} picks; expected {expected:P2} +/- {tolerance:P2}. Counts: {string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"))}");
    }
}
