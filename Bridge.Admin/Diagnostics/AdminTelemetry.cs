using System.Diagnostics;

namespace Bridge.Admin.Diagnostics;

/// <summary>
/// Spans for the admin's changes. Actions in the Blazor UI travel over the circuit's websocket, not as HTTP
/// requests, so without these a key created in the UI would leave no trace in the dashboard. Never a key value.
/// </summary>
public static class AdminTelemetry
{
    public const string Name = "Bridge.Admin";

    public static readonly ActivitySource Source = new(Name);

    public static Activity? Start(string operation, string? subject = null)
    {
        var activity = Source.StartActivity($"admin {operation}", ActivityKind.Internal);
        if (subject is not null) activity?.SetTag("bridge.admin.subject", subject);
        return activity;
    }
}
