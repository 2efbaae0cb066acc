using Bridge.Gateway.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>The response header naming the tools left out of the upstream request (server tools the upstream cannot run).</summary>
public static class DroppedToolsHeader
{
    public const string Name = "x-bridge-dropped-tools";

    /// <summary>Client-chosen names (each cut short by the translator, the list bounded): visible ASCII only.</summary>
    public static void Write(HttpResponse response, IReadOnlyList<string> dropped)
    {
        if (dropped.Count == 0) return;
        response.Headers[Name] = string.Concat(TagText.Join(dropped).Where(c => c is >= ' ' and <= '~'));
    }

    /// <summary>Names them on the current span too.</summary>
    public static void Tag(IReadOnlyList<string> dropped)
    {
        if (dropped.Count > 0) System.Diagnostics.Activity.Current?.SetTag("bridge.dropped_tools", TagText.Join(dropped));
    }
}
