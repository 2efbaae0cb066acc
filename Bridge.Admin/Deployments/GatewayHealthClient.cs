using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Gateway.Configuration;

namespace Bridge.Admin.Deployments;

/// <summary>
/// Asks the gateway for its deployments' live state with the configured master key. The gateway's address comes
/// from Aspire (<c>services:gateway:http:0</c>) or <c>Bridge:GatewayUrl</c>; without one, or when the gateway does
/// not answer, callers get a reason instead of an exception.
/// </summary>
public sealed class GatewayHealthClient(HttpClient http, IConfiguration configuration, BridgeConfig config)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };

    public Uri? GatewayAddress { get; } = AddressFrom(configuration);

    /// <param name="LimitsWhenRedisDown">The gateway's <c>Bridge:LimitsWhenRedisDown</c> (<c>local</c> or <c>deny</c>), when it said.</param>
    /// <param name="ConfigError">Why the gateway's config file's last change did not load, when it did not.</param>
    public sealed record Result(IReadOnlyList<DeploymentState>? Deployments, string? Problem, string? LimitsWhenRedisDown = null, string? ConfigError = null);

    public async Task<Result> GetDeploymentsAsync(CancellationToken cancellationToken = default)
    {
        if (GatewayAddress is null) return new Result(null, "No gateway address is configured (set Bridge:GatewayUrl, or run under the AppHost).");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(GatewayAddress, "health/deployments"));
            if (config.MasterKey is { } key) request.Headers.Add("x-api-key", key);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) return new Result(null, $"The gateway answered {(int)response.StatusCode} to /health/deployments.");
            var states = await response.Content.ReadFromJsonAsync<List<DeploymentState>>(Json, timeout.Token);
            var policy = response.Headers.TryGetValues("x-bridge-limits-when-redis-down", out var values) ? values.FirstOrDefault() : null;
            var configError = response.Headers.TryGetValues("x-bridge-config-error", out var errors) ? errors.FirstOrDefault() : null;
            return new Result(states ?? [], null, policy, configError);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
        {
            return new Result(null, $"The gateway is not reachable at {GatewayAddress} ({ex.GetType().Name}).");
        }
    }

    private static Uri? AddressFrom(IConfiguration configuration)
    {
        var text = configuration["Bridge:GatewayUrl"] is { Length: > 0 } configured ? configured : configuration["services:gateway:http:0"];
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri)) return null;
        return uri;
    }
}
