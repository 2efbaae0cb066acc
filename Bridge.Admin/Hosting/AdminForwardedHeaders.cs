using System.Net;
using Bridge.Gateway.Configuration;
using Microsoft.AspNetCore.HttpOverrides;

namespace Bridge.Admin.Hosting;

/// <summary>
/// Behind a TLS-terminating reverse proxy the admin sees plain HTTP from the proxy's address. Honouring
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c> from trusted proxies makes the session cookie <c>Secure</c>
/// and keys the sign-in throttle on the real client. Only loopback and the addresses or networks listed in
/// <c>Bridge:TrustedProxies</c> are trusted: anyone else could claim any address.
/// </summary>
public static class AdminForwardedHeaders
{
    public const string Setting = "Bridge:TrustedProxies";

    /// <summary>Throws <see cref="ConfigException"/> naming an entry that is neither an IP address nor a CIDR network.</summary>
    public static IServiceCollection AddAdminForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in Entries(configuration))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) proxies.Add(address);
            else throw new ConfigException($"{Setting}: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8");
        }

        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults (127.0.0.0/8 and ::1) stay; listed proxies are added. With no limit, a chain of trusted
            // proxies is walked back to the first address none of them vouches for.
            options.ForwardLimit = null;
            foreach (var proxy in proxies) options.KnownProxies.Add(proxy);
            foreach (var network in networks) options.KnownIPNetworks.Add(network);
        });
        return services;
    }

    /// <summary>A comma- or space-separated string (<c>--Bridge:TrustedProxies=10.0.0.5,172.16.0.0/12</c>) or an array section.</summary>
    private static IEnumerable<string> Entries(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values.SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
