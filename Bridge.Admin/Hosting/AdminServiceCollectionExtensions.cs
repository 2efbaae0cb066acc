using Bridge.Admin.Api;
using Bridge.Admin.Auth;
using Bridge.Admin.Deployments;
using Bridge.Admin.Catalog;
using Bridge.Admin.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Bridge.Admin.Hosting;

public static class AdminServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything the control plane needs. Throws <see cref="Gateway.Configuration.ConfigException"/>
    /// with a one-line reason when the configuration is invalid or has no master key.
    /// </summary>
    public static WebApplicationBuilder AddBridgeAdmin(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = new AdminOptions { ConfigPath = AdminSetup.ResolveConfigPath(configuration) };
        var config = AdminSetup.LoadConfig(options.ConfigPath, configuration);
        if (AdminSetup.HasNoUrls(configuration)) builder.WebHost.UseUrls(AdminSetup.DefaultUrl);
        // Request-start lines carry query strings (LiteLLM's /key/info?key=...): keep framework chatter at warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(config);
        services.TryAddSingleton(TimeProvider.System);

        services.AddAdminForwardedHeaders(configuration);
        services.AddAdminAuthentication(config.MasterKey!);
        services.AddAdminCatalog();
        services.AddAdminRedis();
        services.AddManagementApi();
        services.AddHttpClient<GatewayHealthClient>();
        services.AddSingleton<Live.OverviewReader>();
        // RadzenChart asks for it (its tooltips); the rest of Radzen (dialogs, notifications...) is not used.
        services.AddScoped<Radzen.TooltipService>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        // Replaces the framework's provider (registered with TryAdd above), which never re-checks a circuit.
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, AdminSessionRevalidator>();
        services.AddFluentUIComponents();
        return builder;
    }

    private static IServiceCollection AddAdminCatalog(this IServiceCollection services)
    {
        services.TryAddSingleton<IModelCatalog, ConfigModelCatalog>();
        services.TryAddSingleton<IAliasCatalog, ConfigAliasCatalog>();
        return services;
    }
}
