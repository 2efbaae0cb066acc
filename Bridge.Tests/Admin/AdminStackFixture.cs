using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Admin;

/// <summary>The admin on a real port with Redis (Garnet), its logs captured at every level.</summary>
public sealed class AdminStackFixture : IAsyncLifetime
{
    public GarnetInstance Garnet { get; } = new();
    public LogCapture Logs { get; } = new();
    public AdminHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        // Loopback (the test client) is a trusted proxy here, so tests can guess from many addresses (X-Forwarded-For).
        Host = await AdminHost.StartAsync(settings: [new("ConnectionStrings:redis", Garnet.ConnectionString), new("Bridge:TrustedProxies", "127.0.0.1")], configure: builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(Logs);
        });

    /// <summary>A machine client: no cookies, the master key as a bearer token.</summary>
    public HttpClient ApiClient(string? key = AdminHost.MasterKey)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Garnet.Dispose();
    }
}
