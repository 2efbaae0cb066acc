namespace Bridge.Admin.Hosting;

/// <summary>Builds the admin application; used by <c>Program</c> and by tests that host it on a real port.</summary>
public static class AdminApp
{
    /// <summary>Throws <see cref="Gateway.Configuration.ConfigException"/> when the configuration is invalid or has no master key.</summary>
    /// <param name="configure">Runs before the admin's own registrations, so tests can replace services registered with TryAdd.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Naming the application keeps static web assets and user secrets working when the host is a test runner.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(AdminApp).Assembly.GetName().Name,
        });
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        builder.AddBridgeAdmin();

        var app = builder.Build();
        app.UseBridgeAdmin();
        app.MapDefaultEndpoints();
        app.MapBridgeAdmin();
        AdminStartupReport.Log(app);
        return app;
    }
}
