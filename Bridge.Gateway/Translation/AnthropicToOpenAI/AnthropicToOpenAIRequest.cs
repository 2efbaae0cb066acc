using Bridge.Gateway.Json;
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>
/// Anthropic Messages request -> OpenAI Chat Completions request (docs/translation.md, sections 1.1-1.3).
/// Decisions:
/// <list type="bullet">
/// <item><c>system</c> blocks are joined with a blank line ("\n\n") into one leading system
/// message. A first block starting with <c>x-anthropic-billing-header:</c> (Claude Code's billing
/// tag, different per client build) is dropped: it is Anthropic billing metadata, and at the start
/// of the prompt it would defeat OpenAI's prefix caching.</item>
/// <item><c>tool_result</c> blocks become <c>role: tool</c> messages written before the rest of the
/// user turn. <c>is_error: true</c> is kept as a <c>[tool error] </c> prefix.</item>
/// <item>OpenAI tool messages cannot carry images or files, so images/documents inside tool results
/// go into the user message that follows the tool messages (before the user's own parts), and the
/// tool message says so.</item>
/// <item>More than 4 stop sequences: the first 4 are sent (OpenAI's limit), all are reported.</item>
/// <item><c>DefaultParams</c> fill in only what the client did not set.</item>
/// <item>Histories Anthropic itself rejects (tool_use without a tool_result in the next user turn,
/// tool_result for an unknown id) are errors here too, since OpenAI rejects them as well.</item>
/// </list>
/// </summary>
public static partial class AnthropicToOpenAIRequest
{
    private static ReadOnlySpan<byte> BillingHeaderPrefix => "x-anthropic-billing-header:"u8;
    private static ReadOnlySpan<byte> ToolErrorMarker => "[tool error] "u8;
    private static ReadOnlySpan<byte> ToolAttachmentNote => "[the tool result's images/documents are attached in the next user message]"u8;
    private static ReadOnlySpan<byte> BlankLine => "\\n\\n"u8; // escaped: a JSON "\n\n"
    private static ReadOnlySpan<byte> NewLine => "\\n"u8;
    private const int MaxStopSequences = 4;
    private const int MaxUserLength = 64;

    /// <summary>Translates <paramref name="anthropicRequest"/> into <paramref name="output"/> (UTF-8 JSON).</summary>
    public static RequestTranslation Translate(TapeElement anthropicRequest, OpenAITarget target, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        var requestedModel = "";
        try
        {
            using var state = new State(target);
            var result = state.Run(anthropicRequest, output, out requestedModel);
            return result;
        }
        catch (InvalidRequestException e)
        {
            return RequestTranslation.Fail(e.Message, requestedModel);
        }
    }

    private sealed class InvalidRequestException(string message) : Exception(message);

    private static InvalidRequestException Invalid(string message) => new(message);

    private static void WriteRaw(Utf8JsonWriter writer, TapeElement value) => TranslationJson.WriteRaw(writer, value);

    private static readonly string[] AnthropicOnlyParams =
    [
        "top_k", "thinking", "output_config", "context_management", "cache_control", "betas",
        "anthropic_beta", "anthropic_version", "container", "mcp_servers", "service_tier", "inference_geo",
    ];

    // What reasoning deployments reject (Azure's errors for gpt-5*/o*).
    private static readonly string[] ReasoningRejectedParams =
    [
        "top_p", "stop", "max_tokens", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias",
    ];

    // Keys a deployment's defaults may never set: the translator owns them.
    private static readonly string[] ReservedKeys = ["model", "messages", "stream", "stream_options"];

    private sealed partial class State(OpenAITarget target) : IDisposable
    {
        public void Dispose() => _join.Dispose();

        private readonly ToolNameMap _names = new();
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly List<string> _pendingToolIds = [];
        private readonly RawJsonStringBuilder _join = new();
        private ArrayBufferWriter<byte>? _scratch;

        public RequestTranslation Run(TapeElement request, IBufferWriter<byte> output, out string requestedModel)
        {
            requestedModel = "";
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("body: must be a JSON object");
            }

            TapeElement model = default, messages = default, system = default, maxTokens = default,
                stopSequences = default, stream = default, temperature = default, topP = default,
                metadata = default, tools = default, toolChoice = default, thinking = default, outputConfig = default;
            List<TapeProperty>? unknown = null;

            foreach (var property in request.EnumerateObject())
            {
                // additional_drop_params may name the client's field ("thinking", "stop_sequences", "metadata"):
                // then it counts as not sent, and nothing derived from it goes upstream.
                if (target.AdditionalDropParams.Count > 0 && property.Name is not ("model" or "messages" or "max_tokens" or "stream")
                    && !Allowed(property.Name))
                {
                    continue;
                }

                switch (property.Name)
                {
                    case "model": model = property.Value; break;
                    case "messages": messages = property.Value; break;
                    case "system": system = property.Value; break;
                    case "max_tokens": maxTokens = property.Value; break;
                    case "stop_sequences": stopSequences = property.Value; break;
                    case "stream": stream = property.Value; break;
                    case "temperature": temperature = property.Value; break;
                    case "top_p": topP = property.Value; break;
                    case "metadata": metadata = property.Value; break;
                    case "tools": tools = property.Value; break;
                    case "tool_choice": toolChoice = property.Value; break;
                    case "thinking": thinking = property.Value; break;
                    case "output_config": outputConfig = property.Value; break;
                    default:
                        if (!target.DropParams && Array.IndexOf(AnthropicOnlyParams, property.Name) < 0)
                        {
                            (unknown ??= []).Add(property);
                        }

                        break;
                }
            }

            if (model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
            {
                throw Invalid(model.ValueKind == JsonValueKind.Undefined ? "model: required" : "model: must be a non-empty string");
            }

            requestedModel = modelName;
            if (messages.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(messages.ValueKind == JsonValueKind.Undefined ? "messages: required" : "messages: must be an array");
            }

            if (messages.GetArrayLength() == 0)
            {
                throw Invalid("messages: at least one message is required");
            }

            if (maxTokens.ValueKind == JsonValueKind.Undefined)
            {
                throw Invalid("max_tokens: required");
            }

            if (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt32(out var maxTokensValue))
            {
                throw Invalid("max_tokens: must be an integer");
            }

            if (maxTokensValue < 1)
            {
                throw Invalid("max_tokens: must be at least 1");
            }

            var isStream = stream.ValueKind switch
            {
                JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => false,
                JsonValueKind.True => true,
                _ => throw Invalid("stream: must be a boolean"),
            };

            using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("model"u8, target.Model);
            _written.Add("model");

            WriteMessages(writer, system, messages);

            var limit = target.MaxOutputTokens is int cap && cap > 0 ? Math.Min(cap, maxTokensValue) : maxTokensValue;
            var maxKey = target.IsReasoningModel && Allowed("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
            if (Allowed(maxKey) && _written.Add(maxKey))
            {
                writer.WriteNumber(maxKey, limit);
            }

            if (isStream)
            {
                writer.WriteBoolean("stream"u8, true);
                _written.Add("stream");
                if (target.IncludeStreamUsage)
                {
                    writer.WriteStartObject("stream_options"u8);
                    writer.WriteBoolean("include_usage"u8, true);
                    writer.WriteEndObject();
                    _written.Add("stream_options");
                }
            }

            WriteSampling(writer, temperature, topP);
            var stops = WriteStop(writer, stopSequences);
            WriteUser(writer, metadata);
            var dropped = WriteTools(writer, tools, toolChoice);
            WriteReasoningEffort(writer, thinking, outputConfig);
            WriteResponseFormat(writer, outputConfig);
            WriteDefaults(writer);

            if (unknown is not null)
            {
                foreach (var property in unknown)
                {
                    if (Allowed(property.Name) && _written.Add(property.Name))
                    {
                        writer.WritePropertyName(property.Name);
                        WriteRaw(writer, property.Value);
                    }
                }
            }

            // Last: a prompt_cache_key the client sent itself (forwarded above) or a deployment default wins.
            if (target.PromptCacheKey is { } cacheKey && Allowed("prompt_cache_key") && _written.Add("prompt_cache_key"))
            {
                writer.WriteString("prompt_cache_key"u8, cacheKey);
            }

            writer.WriteEndObject();
            writer.Flush();

            return new RequestTranslation
            {
                Ok = true,
                Stream = isStream,
                RequestedModel = modelName,
                ToolNames = _names.Count == 0 ? ToolNameMap.Empty : _names,
                StopSequences = stops,
                DroppedTools = dropped,
            };
        }

        private static string Short(string s) => s.Length <= 64 ? s : s[..64];

        /// <summary>Not in AdditionalDropParams and acceptable to the deployment.</summary>
        private bool Allowed(string key)
        {
            foreach (var drop in target.AdditionalDropParams)
            {
                if (string.Equals(drop, key, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        private bool AcceptedByDeployment(string key, TapeElement value)
        {
            if (!target.IsReasoningModel)
            {
                return true;
            }

            if (key == "temperature")
            {
                return value.ValueKind == JsonValueKind.Number && value.GetDouble() == 1.0;
            }

            return Array.IndexOf(ReasoningRejectedParams, key) < 0;
        }

        /// <summary>A client parameter or a deployment default, copied as it came.</summary>
        private void Emit(Utf8JsonWriter writer, string key, TapeElement value)
        {
            if (Allowed(key) && AcceptedByDeployment(key, value) && _written.Add(key))
            {
                writer.WritePropertyName(key);
                WriteRaw(writer, value);
            }
        }
    }
}
