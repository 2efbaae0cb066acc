using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToOpenAI;

/// <summary>The outcome of <see cref="ChatRequestFilter.Apply"/>.</summary>
public sealed record ChatFilterResult(bool Ok, string? ErrorMessage, string? ErrorParam, bool Stream, bool ClientWantsUsage, string RequestedModel);

/// <summary>
/// OpenAI Chat Completions client -> OpenAI-format deployment: the request stays in its protocol, but the
/// model name becomes the deployment's, parameters the deployment rejects are dropped (with
/// <c>drop_params</c>), <c>max_tokens</c> becomes <c>max_completion_tokens</c> for reasoning models, and
/// streaming requests always ask for usage.
/// </summary>
public static class ChatRequestFilter
{
    /// <summary>Parameters gpt-5*/o* deployments reject.</summary>
    private static readonly HashSet<string> RejectedByReasoningModels =
        ["top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias", "stop"];

    /// <summary>Anthropic parameters some clients send to OpenAI endpoints anyway.</summary>
    private static readonly HashSet<string> AnthropicOnly =
        ["thinking", "output_config", "top_k", "context_management", "cache_control", "anthropic_version", "stop_sequences", "system"];

    public static ChatFilterResult Apply(TapeElement request, OpenAITarget target, IBufferWriter<byte> output)
    {
        if (request.ValueKind != JsonValueKind.Object) return Fail("Request body must be a JSON object.", null);
        if (!request.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            return Fail("messages: required, must be an array of messages.", "messages");
        if (messages.GetArrayLength() == 0) return Fail("messages: must contain at least one message.", "messages");

        var requestedModel = request.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : target.Model;
        var stream = request.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var clientWantsUsage = stream && request.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        var hasTools = request.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;

        int? maxTokens = null;
        foreach (var name in new[] { "max_completion_tokens", "max_tokens" })
        {
            if (!request.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) continue;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var parsed) || parsed < 1)
                return Fail($"{name}: must be a positive integer.", name);
            maxTokens ??= parsed;
        }
        if (maxTokens is { } mt && target.MaxOutputTokens is { } cap && mt > cap) maxTokens = cap;

        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("model"u8, target.Model);
        var written = new HashSet<string>(StringComparer.Ordinal) { "model" };

        foreach (var property in request.EnumerateObject())
        {
            var name = property.Name;
            if (!Keep(name, property.Value, target, hasTools)) continue;
            switch (name)
            {
                case "max_tokens" or "max_completion_tokens":
                    continue; // written once below, under the name the deployment accepts
                case "stream_options":
                    continue; // rebuilt below
                default:
                    writer.WritePropertyName(name);
                    property.Value.WriteTo(writer);
                    written.Add(name);
                    break;
            }
        }

        if (maxTokens is { } tokens)
        {
            // A provider that refuses max_completion_tokens takes the same limit as max_tokens.
            var useCompletionName = (target.IsReasoningModel || request.TryGetProperty("max_completion_tokens", out _))
                && !target.AdditionalDropParams.Contains("max_completion_tokens");
            writer.WriteNumber(useCompletionName ? "max_completion_tokens"u8 : "max_tokens"u8, tokens);
            written.Add(useCompletionName ? "max_completion_tokens" : "max_tokens");
        }

        if (stream && !target.AdditionalDropParams.Contains("stream_options"))
        {
            writer.WriteStartObject("stream_options"u8);
            if (request.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object)
            {
                foreach (var option in options.EnumerateObject())
                {
                    if (option.NameEquals("include_usage")) continue;
                    option.WriteTo(writer);
                }
            }
            writer.WriteBoolean("include_usage"u8, target.IncludeStreamUsage || clientWantsUsage);
            writer.WriteEndObject();
        }

        foreach (var (name, value) in DefaultParamTapes.Of(target.DefaultParams))
        {
            if (written.Contains(name) || name is "messages" or "stream" or "stream_options" or "max_tokens" or "max_completion_tokens") continue;
            if (!Keep(name, value, target, hasTools)) continue;
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        // The session's key, unless the client sent its own (forwarded above) or the deployment sets one.
        if (target.PromptCacheKey is { } cacheKey && !written.Contains("prompt_cache_key") && !target.DefaultParams.ContainsKey("prompt_cache_key")
            && !target.AdditionalDropParams.Contains("prompt_cache_key"))
        {
            writer.WriteString("prompt_cache_key"u8, cacheKey);
        }

        writer.WriteEndObject();
        writer.Flush();
        return new ChatFilterResult(true, null, null, stream, clientWantsUsage, requestedModel);

        ChatFilterResult Fail(string message, string? param) => new(false, message, param, false, false, "");
    }

    private static bool Keep(string name, TapeElement value, OpenAITarget target, bool hasTools)
    {
        if (name == "model") return false;
        if (target.AdditionalDropParams.Contains(name)) return false;
        if (!hasTools && name is "tools" or "tool_choice" or "parallel_tool_calls") return false; // OpenAI rejects an empty tools array
        if (!target.DropParams) return true;
        if (AnthropicOnly.Contains(name)) return false;
        if (target.IsReasoningModel)
        {
            if (name == "temperature") return value.ValueKind == JsonValueKind.Number && value.GetDouble() == 1.0;
            if (RejectedByReasoningModels.Contains(name)) return false;
        }
        else if (name == "reasoning_effort")
        {
            return false;
        }
        return true;
    }
}
