using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Bridge.Gateway.Upstream.Hosts;
using Google.Apis.Auth.OAuth2;

namespace Bridge.Gateway.Configuration;

/// <summary>
/// Reads a <c>bedrock/</c> or <c>vertex_ai/</c> deployment's LiteLLM settings into its <see cref="AnthropicHost"/>. Only
/// Claude is served on those clouds (through the Anthropic Messages format); any other model there loads as unavailable,
/// with the reason, instead of stopping startup.
/// </summary>
internal static class HostedClaudeConfig
{
    /// <summary>LiteLLM's per-deployment settings for these clouds (not request parameters).</summary>
    public static readonly string[] Keys =
    [
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region_name", "aws_profile_name",
        "aws_bedrock_runtime_endpoint", "bedrock_betas", "vertex_project", "vertex_location", "vertex_credentials",
        // LiteLLM's older spellings.
        "vertex_ai_project", "vertex_ai_location", "vertex_ai_credentials",
    ];

    /// <summary>Strips LiteLLM's route segment from a Bedrock model (<c>invoke/</c>, <c>converse/</c>).</summary>
    public static string BedrockModelId(string rest) =>
        rest.StartsWith("invoke/", StringComparison.Ordinal) ? rest["invoke/".Length..]
        : rest.StartsWith("converse/", StringComparison.Ordinal) ? rest["converse/".Length..]
        : rest;

    /// <param name="extraBetas">
    /// <c>bedrock_betas</c> (Bridge's own key): <c>anthropic-beta</c> values this Bedrock deployment accepts beyond
    /// <see cref="BedrockHost.AcceptedBetas"/>, for a beta AWS supports before Bridge's list knows it.
    /// </param>
    public static (AnthropicHost? Host, string? Unavailable) Create(
        ProviderKind provider, string upstreamModel, Func<string, string?> setting, string? apiBase, EnvironmentSource env, TimeProvider time, List<string> warnings, string path,
        IReadOnlyList<string>? extraBetas = null)
    {
        if (extraBetas is { Count: > 0 } && provider != ProviderKind.Bedrock) warnings.Add($"{path}.bedrock_betas: only Bedrock deployments use it, ignored");
        if (provider == ProviderKind.Bedrock)
        {
            // "anthropic.claude-...", "us.anthropic.claude-..." (inference profiles), or an inference-profile ARN.
            if (!upstreamModel.Contains("anthropic.", StringComparison.Ordinal) && !upstreamModel.StartsWith("arn:", StringComparison.Ordinal))
                return (null, $"'{upstreamModel}' is not a Claude model; Bridge serves only Claude on Bedrock (through InvokeModel)");
            var region = setting("aws_region_name") ?? env.Get("AWS_REGION") ?? env.Get("AWS_DEFAULT_REGION");
            if (region is null) return (null, $"{path}.aws_region_name: missing (or set AWS_REGION)");
            var endpoint = setting("aws_bedrock_runtime_endpoint") ?? apiBase ?? $"https://bedrock-runtime.{region}.amazonaws.com";
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var runtime)) throw new ConfigException($"{path}.aws_bedrock_runtime_endpoint: '{endpoint}' is not an absolute URL");
            var accessKey = setting("aws_access_key_id");
            var secretKey = setting("aws_secret_access_key");
            var sessionToken = setting("aws_session_token");
            var profile = setting("aws_profile_name");
            if ((accessKey is null) != (secretKey is null))
                return (null, $"{path}: aws_access_key_id and aws_secret_access_key go together");
            return (new BedrockHost(upstreamModel, region, runtime, () => Credentials(accessKey, secretKey, sessionToken, profile), time, extraBetas), null);
        }

        if (provider == ProviderKind.VertexAi)
        {
            if (!upstreamModel.StartsWith("claude", StringComparison.Ordinal))
                return (null, $"'{upstreamModel}' is not a Claude model; Bridge serves only Claude on Vertex AI (through rawPredict)");
            var project = setting("vertex_project") ?? setting("vertex_ai_project") ?? env.Get("VERTEXAI_PROJECT") ?? env.Get("GOOGLE_CLOUD_PROJECT");
            if (project is null) return (null, $"{path}.vertex_project: missing (or set VERTEXAI_PROJECT)");
            var location = setting("vertex_location") ?? setting("vertex_ai_location") ?? env.Get("VERTEXAI_LOCATION") ?? "us-central1";
            var credentials = setting("vertex_credentials") ?? setting("vertex_ai_credentials");
            Uri? root = apiBase is null ? null : new Uri(apiBase);
            return (new VertexHost(upstreamModel, project, location, root, () => GoogleToken(credentials)), null);
        }
        return (null, null);
    }

    private static AWSCredentials Credentials(string? accessKey, string? secretKey, string? sessionToken, string? profile)
    {
        if (accessKey is not null && secretKey is not null)
            return sessionToken is null ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, sessionToken);
        if (profile is not null)
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)
                ? fromProfile
                : throw new AmazonClientException($"AWS profile '{profile}' not found");
        }
        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }

    /// <summary><c>vertex_credentials</c> is a service-account file's path or its JSON; without it, the application default credentials.</summary>
    private static ITokenAccess GoogleToken(string? credentials)
    {
        if (credentials is null) return GoogleCredential.GetApplicationDefault().CreateScoped(VertexHost.Scope);
        var account = credentials.TrimStart().StartsWith('{')
            ? CredentialFactory.FromJson<ServiceAccountCredential>(credentials)
            : CredentialFactory.FromFile<ServiceAccountCredential>(credentials);
        return account.ToGoogleCredential().CreateScoped(VertexHost.Scope);
    }
}
