using Bridge.Admin.Auth;
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

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(config);
        services.TryAddSingleton(TimeProvider.System);

        services.AddAdminAuthentication(config.MasterKey!);
        services.AddAdminCatalog();
        services.AddAdminRedis();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
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
