using Bridge.Gateway.Auth;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Exchanges;
using Bridge.Gateway.Limits;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;
using Bridge.Gateway.Hooks;
using Bridge.Gateway.Models;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Upstream;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Gateway.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything the data plane needs. Throws <see cref="ConfigException"/> with a one-line
    /// reason when the configuration is invalid.
    /// </summary>
    public static WebApplicationBuilder AddBridgeGateway(this WebApplicationBuilder builder, bool allowNoAuth)
    {
        var configuration = builder.Configuration;
        var options = new GatewayOptions
        {
            ConfigPath = GatewaySetup.ResolveConfigPath(configuration),
            AllowNoAuth = allowNoAuth || string.Equals(configuration["BRIDGE_ALLOW_NO_AUTH"], "true", StringComparison.OrdinalIgnoreCase),
        };
        options.LimitsWhenRedisDown = configuration["Bridge:LimitsWhenRedisDown"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "local" => RedisDownLimits.Local,
            "deny" => RedisDownLimits.Deny,
            var other => throw new ConfigException($"Bridge:LimitsWhenRedisDown: '{other}' is neither 'local' nor 'deny'."),
        };

        var config = GatewaySetup.LoadConfig(options.ConfigPath, options.AllowNoAuth, configuration);
        GatewaySetup.ApplyLimits(options, config, configuration);

        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["ASPNETCORE_URLS"])
            && string.IsNullOrEmpty(configuration["HTTP_PORTS"]))
        {
            builder.WebHost.UseUrls(GatewaySetup.DefaultUrl);
        }
        // The gateway enforces its own body limit so the refusal comes in the client's envelope.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(config);
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton(sp => new Models.Stored.StoredModelStore(() => sp.GetRequiredService<RedisConnection>().DatabaseAsync(),
            Models.Stored.ModelSecrets.From(configuration, config.MasterKey), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Models.Stored.ModelSources>();
        services.AddHostedService(sp => sp.GetRequiredService<Models.Stored.ModelSources>());
        services.AddSingleton<IStateEventHandler>(sp => sp.GetRequiredService<Models.Stored.ModelSources>());
        services.AddSingleton<HookRegistry>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Diagnostics.GatewayTelemetry>();
        Diagnostics.PrometheusEndpoint.AddBridgePrometheus(services, config);
        services.AddSingleton(sp => new RedisConnection(configuration.GetConnectionString("redis"), sp.GetRequiredService<ILogger<RedisConnection>>(),
            // Redis calls show up in traces once the connection exists.
            multiplexer => sp.GetService<OpenTelemetry.Instrumentation.StackExchangeRedis.StackExchangeRedisInstrumentation>()?.AddConnection(multiplexer)));
        services.AddSingleton<KeyDirectory>();
        services.AddSingleton<AliasDirectory>();
        services.AddHostedService<StateEventsListener>();
        services.AddSingleton<UsageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageWriter>());
        services.AddSingleton<KeyLimiter>();
        services.AddSingleton<ICallerAuthenticator, GatewayAuthenticator>();
        services.AddSingleton<AuthFailureThrottle>();
        services.AddSingleton<DeploymentStateStore>();
        services.AddSingleton<IDeploymentStatsSource>(sp => sp.GetRequiredService<DeploymentStateStore>());
        services.AddSingleton<IStateEventHandler>(sp => sp.GetRequiredService<DeploymentStateStore>());
        services.AddHostedService(sp => sp.GetRequiredService<DeploymentStateStore>());
        services.AddSingleton(sp => new DeploymentRouter(config.Router, sp.GetRequiredService<IDeploymentStatsSource>(), sp.GetRequiredService<TimeProvider>(),
            Random.Shared, config.Router.LowestLatencyBuffer is { } buffer ? new RoutingStrategyArgs { LowestLatencyBuffer = buffer } : null));
        services.AddSingleton<Sessions.SessionAffinity>();
        services.AddSingleton<OpenAITargets>();
        services.AddSingleton<UpstreamClients>();
        services.AddSingleton<UpstreamCaller>();
        services.TryAddSingleton<EntraCredentialFactory>(); // a host may bring its own (transport, tests)
        services.AddSingleton<EntraTokens>();
        services.AddSingleton<MessagesToChatExchange>();
        services.AddSingleton<MessagesNativeExchange>();
        services.AddSingleton<ChatPassthroughExchange>();
        services.AddSingleton<ChatToMessagesExchange>();
        services.AddSingleton<MessagesToResponsesExchange>();
        services.AddSingleton<ChatToResponsesExchange>();
        services.AddSingleton<ResponsesToChatExchange>();
        services.AddSingleton<ResponsesToMessagesExchange>();
        services.AddSingleton<ResponsesPassthroughExchange>();
        services.AddSingleton<ReasoningSignatureKey>();
        services.AddSingleton<StoredResponses.StoredResponseStore>();
        services.AddSingleton<StoredResponses.StoredResponsesStep>();
        services.AddSingleton<PairTable>();
        services.AddSingleton<AttemptRelay>();
        services.AddSingleton<ProxyPipeline>();
        return builder;
    }
}
