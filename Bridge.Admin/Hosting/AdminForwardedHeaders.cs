using System.Globalization;
using System.Net;
using Bridge.Gateway.Configuration;
using Microsoft.AspNetCore.HttpOverrides;

namespace Bridge.Admin.Hosting;

/// <summary>
/// Behind a TLS-terminating reverse proxy the admin sees plain HTTP from the proxy's address. Honouring
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c> from trusted proxies makes the session cookie <c>Secure</c>
/// and keys the sign-in throttle on the real client. Only the addresses or networks listed in
/// <c>Bridge:TrustedProxies</c> are trusted, loopback included: a loopback forwarder that passes headers through
/// untouched (Aspire's proxy, <c>kubectl port-forward</c>, <c>ssh -L</c>) would otherwise let any client claim any
/// address, and so guess master keys from endless fake addresses or lock out someone else's.
/// </summary>
public static class AdminForwardedHeaders
{
    public const string Setting = "Bridge:TrustedProxies";
    /// <summary>How many trusted proxies stand in a row in front of the admin; each one's entry is taken from the right.</summary>
    public const string HopsSetting = "Bridge:TrustedProxyHops";

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
        var hops = Hops(configuration);
        services.AddSingleton(new TrustedProxies(proxies.Count + networks.Count > 0));

        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts 127.0.0.0/8 and ::1 by default: dropped, only what is listed is trusted.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            // Only the entries the trusted proxies appended themselves (the rightmost ones) are read; whatever the
            // client put in front of them stays a claim.
            options.ForwardLimit = hops;
            foreach (var proxy in proxies) options.KnownProxies.Add(proxy);
            foreach (var network in networks) options.KnownIPNetworks.Add(network);
        });
        return services;
    }

    /// <summary>Reads forwarded headers only when some proxy is trusted: with none, not even loopback's are believed.</summary>
    public static WebApplication UseAdminForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TrustedProxies>().Any) app.UseForwardedHeaders();
        return app;
    }

    /// <summary>A comma- or space-separated string (<c>--Bridge:TrustedProxies=10.0.0.5,172.16.0.0/12</c>) or an array section.</summary>
    private static IEnumerable<string> Entries(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values.SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static int Hops(IConfiguration configuration)
    {
        var text = configuration[HopsSetting];
        if (string.IsNullOrWhiteSpace(text)) return 1;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var hops) && hops is >= 1 and <= 10
            ? hops
            : throw new ConfigException($"{HopsSetting}: '{text}' is not a number of proxies from 1 to 10");
    }
}
