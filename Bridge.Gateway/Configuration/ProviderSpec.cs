using System.Collections.Frozen;

namespace Bridge.Gateway.Configuration;

/// <summary>
/// What Bridge knows about one LiteLLM provider prefix: the wire protocol and auth style it speaks, where it
/// lives by default, which environment variables LiteLLM reads for it, what it accepts, and how traces name it.
/// One row per provider in <see cref="Providers"/>; a provider needing its own signing or token logic adds a
/// <see cref="ProviderKind"/> and that class, everything else is data.
/// </summary>
public sealed record ProviderSpec
{
    /// <summary>The prefix in <c>litellm_params.model</c> (<c>groq</c> in <c>groq/llama-3.3-70b-versatile</c>).</summary>
    public required string Prefix { get; init; }

    /// <summary>Other prefixes LiteLLM accepts for the same provider (<c>ollama_chat</c>, <c>text-completion-openai</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The provider's name in <c>/health/deployments</c>, the admin and the startup log.</summary>
    public required string Name { get; init; }

    /// <summary>The vendor's own name, for people (warnings, the admin).</summary>
    public required string DisplayName { get; init; }

    /// <summary>The wire protocol and auth style.</summary>
    public required ProviderKind Kind { get; init; }

    /// <summary>The API root when neither <c>api_base</c> nor an <see cref="ApiBaseEnv"/> variable says otherwise.</summary>
    public string? DefaultApiBase { get; init; }

    /// <summary>Variables LiteLLM reads for the API root when <c>api_base</c> is not set, first match wins.</summary>
    public IReadOnlyList<string> ApiBaseEnv { get; init; } = [];

    /// <summary>Variables LiteLLM reads for the key when <c>api_key</c> is not set, first match wins.</summary>
    public IReadOnlyList<string> ApiKeyEnv { get; init; } = [];

    /// <summary>
    /// The deployment cannot serve without a key when it calls the provider's own service (a self-hosted
    /// <c>api_base</c> may need none).
    /// </summary>
    public bool KeyRequired { get; init; }

    /// <summary><c>gen_ai.provider.name</c>: a well-known value of the OpenTelemetry GenAI conventions where one exists.</summary>
    public required string OtelName { get; init; }

    /// <summary>The provider serves the OpenAI Responses API (asked for with <c>responses/</c> or <c>model_info.mode</c>).</summary>
    public bool SupportsResponses { get; init; }

    /// <summary>
    /// OpenAI request parameters the provider refuses (LiteLLM leaves them out of its supported list), dropped on
    /// the way there whatever the client sent. <c>max_completion_tokens</c> here means the limit is sent as
    /// <c>max_tokens</c>; <c>stream_options</c> means it is never sent (the provider reports usage anyway).
    /// </summary>
    public FrozenSet<string> RejectedParams { get; init; } = FrozenSet<string>.Empty;

    /// <summary>
    /// A namespace the provider's model ids live in, added when the configured model does not start with it
    /// (Fireworks: <c>llama-v3p1-8b-instruct</c> is <c>accounts/fireworks/models/llama-v3p1-8b-instruct</c>).
    /// </summary>
    public string? ModelNamespace { get; init; }

    /// <summary>Where the namespace is checked: a model starting with this is already qualified.</summary>
    public string? QualifiedModelStart { get; init; }

    /// <summary>One line for the README's provider table and <c>unknown provider</c> errors.</summary>
    public string Status { get; init; } = "supported";

    /// <summary>
    /// Set for a LiteLLM provider Bridge cannot call: its deployments load as unavailable with this reason, so the
    /// rest of a LiteLLM config still starts.
    /// </summary>
    public string? UnsupportedReason { get; init; }

    /// <summary>The model id sent upstream for a configured one.</summary>
    public string QualifyModel(string model) =>
        ModelNamespace is null || model.StartsWith(QualifiedModelStart ?? ModelNamespace, StringComparison.Ordinal) ? model : ModelNamespace + model;
}
