using Bridge.Gateway.Routing;

namespace Bridge.Tests.Routing;

public sealed class LatencyTrackerTests
{
    [Fact]
    public void Next_FirstSample_IsTakenAsIs() => Assert.Equal(240.0, LatencyTracker.Next(null, 240));

    [Fact]
    public void Next_MovesThirtyPercentTowardsTheSample()
    {
        Assert.Equal(130.0, LatencyTracker.Next(100, 200), 9);
        Assert.Equal(70.0, LatencyTracker.Next(100, 0), 9);
    }

    [Fact]
    public void Next_SteadySamples_Converge()
    {
        double? average = null;
        foreach (var sample in new double[] { 1000, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100 })
        {
            average = LatencyTracker.Next(average, sample);
        }

        // 900 ms of excess decays by 0.7 per sample: 900 x 0.7^14 = 6.1 ms left.
        Assert.Equal(100 + 900 * Math.Pow(0.7, 14), average!.Value, 6);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Next_InvalidSample_Throws(double sample) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyTracker.Next(100, sample));
}
