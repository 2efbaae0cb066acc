using Bridge.Admin.Hosting;
using Bridge.Gateway.Configuration;

try
{
    var app = AdminApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (ConfigException ex)
{
    Console.Error.WriteLine($"Bridge.Admin: invalid configuration: {ex.Message}");
    return 1;
}
