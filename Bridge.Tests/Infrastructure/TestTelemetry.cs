using System.Diagnostics.Metrics;
using Bridge.Gateway.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Infrastructure;

/// <summary>The gateway's own telemetry object, for a component built outside a host.</summary>
public static class TestTelemetry
{
    public static GatewayTelemetry Create() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
