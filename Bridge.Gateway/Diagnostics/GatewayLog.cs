using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Diagnostics;

/// <summary>Every log line the gateway writes. None of them carries a key or a prompt.</summary>
public static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded model '{ModelName}' -> {Provider} '{UpstreamModel}' (deployment {DeploymentId}) over {Api}: {ApiReason}")]
    public static partial void ModelLoaded(ILogger logger, string modelName, string provider, string upstreamModel, string deploymentId, string api, string apiReason);

    [LoggerMessage(2, LogLevel.Warning, "Deployment {DeploymentId} ('{ModelName}') is unavailable: {Reason}")]
    public static partial void DeploymentUnavailable(ILogger logger, string deploymentId, string modelName, string reason);

    [LoggerMessage(3, LogLevel.Information, "Alias '{Alias}' -> '{Target}'")]
    public static partial void AliasLoaded(ILogger logger, string alias, string target);

    [LoggerMessage(4, LogLevel.Warning, "Config: {Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(5, LogLevel.Information, "Master key configured from {Source}")]
    public static partial void MasterKeyConfigured(ILogger logger, string source);

    [LoggerMessage(6, LogLevel.Warning, "No master key is configured and --allow-no-auth is set: every request is accepted without a key")]
    public static partial void NoAuth(ILogger logger);

    [LoggerMessage(7, LogLevel.Warning, "No Redis configured (ConnectionStrings__redis is empty): running with the master key only; virtual keys, shared limits and usage are off")]
    public static partial void NoRedis(ILogger logger);

    [LoggerMessage(8, LogLevel.Information, "Using Redis at {Endpoint}")]
    public static partial void RedisConfigured(ILogger logger, string endpoint);

    [LoggerMessage(9, LogLevel.Information, "Rejected request to {Path}: status {StatusCode}")]
    public static partial void AuthRejected(ILogger logger, string path, int statusCode);

    [LoggerMessage(10, LogLevel.Warning, "Upstream {DeploymentId} answered {StatusCode}")]
    public static partial void UpstreamError(ILogger logger, string deploymentId, int statusCode);

    [LoggerMessage(11, LogLevel.Warning, "Upstream {DeploymentId} stream ended abnormally: {Reason}")]
    public static partial void UpstreamStreamBroken(ILogger logger, string deploymentId, string reason);

    [LoggerMessage(12, LogLevel.Warning, "Upstream {DeploymentId} could not be reached: {Reason}")]
    public static partial void UpstreamUnreachable(ILogger logger, string deploymentId, string reason);

    [LoggerMessage(13, LogLevel.Information, "Loaded {Count} deployments and {AliasCount} aliases from {Path}")]
    public static partial void ConfigLoaded(ILogger logger, int count, int aliasCount, string path);

    [LoggerMessage(14, LogLevel.Information, "Client disconnected; upstream call to {DeploymentId} cancelled")]
    public static partial void ClientDisconnected(ILogger logger, string deploymentId);

    [LoggerMessage(15, LogLevel.Information, "Pre-call hook '{Hook}' active")]
    public static partial void HookActive(ILogger logger, string hook);

    [LoggerMessage(16, LogLevel.Warning, "Anthropic server tool {Tool} has no function form on OpenAI-format deployment {DeploymentId}; it is left out of requests there (named in the x-bridge-dropped-tools response header; logged once)")]
    public static partial void ServerToolDropped(ILogger logger, string tool, string deploymentId);

    [LoggerMessage(30, LogLevel.Error, "Upstream {DeploymentId} answered {StatusCode}: it rejected Bridge's credentials for it: {UpstreamMessage}")]
    public static partial void UpstreamRejectedCredentials(ILogger logger, string deploymentId, int statusCode, string upstreamMessage);

    [LoggerMessage(17, LogLevel.Warning, "No price for deployment(s) {DeploymentIds} (no model_info input_cost_per_token/output_cost_per_token and no built-in list price): their requests cost $0, so no key's max_budget ever binds on them")]
    public static partial void DeploymentsWithoutPrice(ILogger logger, string deploymentIds);

    [LoggerMessage(31, LogLevel.Warning, "Responses answer {ResponseId} was not stored (Redis refused or was away): continuing it with previous_response_id will fail")]
    public static partial void StoredResponseLost(ILogger logger, string responseId);
}
