using YamlDotNet.RepresentationModel;

namespace Bridge.Gateway.Configuration;

/// <summary>
/// LiteLLM's logging and observability integrations, as named in <c>litellm_settings.callbacks</c>,
/// <c>success_callback</c> and <c>failure_callback</c>. A config moved from LiteLLM names them; each loads, and
/// the ones Bridge does not run start with a warning saying what Bridge does instead. Names with a dot
/// (<c>module.instance</c>) under <c>callbacks</c> are pre-call hooks (<see cref="Hooks.HookRegistry"/>).
/// </summary>
public static class LitellmIntegrations
{
    public const string Prometheus = "prometheus";

    /// <summary>OpenTelemetry: Bridge emits GenAI-convention traces and metrics itself.</summary>
    private static readonly HashSet<string> OpenTelemetry = ["otel", "opentelemetry", "arize", "arize_phoenix", "traceloop", "langtrace"];

    /// <summary>LiteLLM's integrations Bridge does not run.</summary>
    private static readonly HashSet<string> NotRun =
    [
        "langfuse", "langfuse_otel", "datadog", "datadog_llm_observability", "langsmith", "lunary", "helicone", "braintrust",
        "mlflow", "opik", "logfire", "literalai", "galileo", "athina", "humanloop", "agentops", "deepeval", "posthog", "sentry",
        "slack", "webhook", "generic_api", "custom_callback_api", "s3", "s3_v2", "gcs_bucket", "gcs_pubsub", "azure_storage",
        "aws_sqs", "dynamodb", "supabase", "clickhouse", "greenscale", "lago", "openmeter", "cloudzero", "pagerduty",
        "resend_email", "smtp_email", "argilla", "weave", "wandb", "promptlayer", "dynamic_rate_limiter", "dynamic_rate_limiter_v3",
        "anthropic_cache_control_hook", "bedrock_knowledgebase_hook", "vector_store_pre_call_hook", "dotprompt",
        "presidio", "hide_secrets", "lakera_prompt_injection", "detect_prompt_injection", "llamaguard_moderations",
        "google_text_moderation", "openai_moderations", "azure_content_safety", "aporia_prompt_injection", "batch_redis_requests",
    ];

    public sealed record Result(IReadOnlyList<string> Hooks, bool Prometheus);

    public static Result Classify(YamlMappingNode? litellm, IReadOnlyList<string> callbacks, List<string> warnings,
        Func<YamlMappingNode, string, string, List<string>> stringList)
    {
        var hooks = new List<string>();
        var prometheus = false;
        foreach (var (key, names) in new[]
        {
            ("callbacks", callbacks),
            ("success_callback", litellm is null ? [] : (IReadOnlyList<string>)stringList(litellm, "success_callback", "litellm_settings.success_callback")),
            ("failure_callback", litellm is null ? [] : (IReadOnlyList<string>)stringList(litellm, "failure_callback", "litellm_settings.failure_callback")),
        })
        {
            for (var i = 0; i < names.Count; i++)
            {
                var name = names[i];
                var path = $"litellm_settings.{key}[{i}]";
                var known = name.ToLowerInvariant();
                if (known == Prometheus)
                {
                    prometheus = true;
                }
                else if (OpenTelemetry.Contains(known))
                {
                    warnings.Add($"{path}: '{name}': Bridge emits OpenTelemetry traces and metrics itself (GenAI conventions); "
                        + "they are exported to OTEL_EXPORTER_OTLP_ENDPOINT when it is set");
                }
                else if (NotRun.Contains(known))
                {
                    warnings.Add($"{path}: '{name}' is a LiteLLM integration Bridge does not run; Bridge records every request's "
                        + "usage and cost in Redis (the admin's Usage page) and emits OpenTelemetry traces instead");
                }
                else if (key == "callbacks")
                {
                    hooks.Add(name); // a pre-call hook; an unknown one stops startup there
                }
                else
                {
                    warnings.Add($"{path}: '{name}': Bridge runs no success or failure callbacks (pre-call hooks go under callbacks); ignored");
                }
            }
        }
        return new Result(hooks, prometheus);
    }
}
