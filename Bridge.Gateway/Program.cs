using Bridge.Gateway.Configuration;
using Bridge.Gateway.Hosting;

try
{
    var app = GatewayApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (ConfigException ex)
{
    Console.Error.WriteLine($"Bridge.Gateway: invalid configuration: {ex.Message}");
    return 1;
}
