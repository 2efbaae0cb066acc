using Bridge.AppHost;
using Bridge.Gateway.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// The repo root holds config.yaml and .env, as in a LiteLLM setup.
var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
var configPath = builder.Configuration["Bridge:ConfigPath"] is { Length: > 0 } configured
    ? Path.GetFullPath(configured, repoRoot)
    : Path.Combine(repoRoot, "config.yaml");
var dotEnvPath = Path.Combine(repoRoot, ".env");
var dotEnv = File.Exists(dotEnvPath) ? EnvironmentSource.ParseDotEnv(File.ReadAllText(dotEnvPath)) : new Dictionary<string, string>();

// Infrastructure
var redis = builder.AddBridgeRedis("redis");
var masterKey = builder.AddMasterKey(dotEnv);

// Services
var replicas = int.TryParse(builder.Configuration["Bridge:GatewayReplicas"], out var n) && n > 0 ? n : 1;
var gateway = builder.AddProject<Projects.Bridge_Gateway>("gateway")
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("BRIDGE_CONFIG", configPath)
    .WithEnvironment("BRIDGE_MASTER_KEY", masterKey)
    .WithDotEnv(dotEnv)
    .WithHttpHealthCheck("/health");
if (replicas > 1) gateway.WithReplicas(replicas);

// The admin's request log links each request to its trace in the dashboard.
var dashboardUrl = builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0] is { Length: > 0 } url ? url : "http://localhost:18888";
builder.AddProject<Projects.Bridge_Admin>("admin")
    .WithReference(redis).WaitFor(redis)
    .WithReference(gateway)
    .WithEnvironment("Bridge__DashboardUrl", dashboardUrl)
    .WithEnvironment("BRIDGE_CONFIG", configPath)
    .WithEnvironment("BRIDGE_MASTER_KEY", masterKey)
    .WithDotEnv(dotEnv)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
