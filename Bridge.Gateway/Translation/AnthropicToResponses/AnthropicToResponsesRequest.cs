using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;
using Bridge.Gateway.Translation.AnthropicToOpenAI;

namespace Bridge.Gateway.Translation.AnthropicToResponses;

/// <summary>
/// Anthropic Messages request -> OpenAI Responses request (docs/translation.md, section 6).
/// Decisions:
/// <list type="bullet">
/// <item><c>system</c> becomes <c>instructions</c> (blocks joined with a blank line, Claude Code's
/// billing header dropped as on the Chat Completions path); <c>role: system</c> entries inside
/// <c>messages</c> become system message items at their place.</item>
/// <item>Every turn becomes <c>input</c> items in order: user content as a user message
/// (<c>input_text</c>/<c>input_image</c>/<c>input_file</c> parts), assistant text as an assistant
/// message (<c>output_text</c> parts), <c>tool_use</c> as <c>function_call</c>, <c>tool_result</c> as
/// <c>function_call_output</c> (written before the rest of its user turn).</item>
/// <item>A thinking block whose signature verifies as Bridge's (<see cref="ReasoningSignature"/>) goes
/// back as the upstream's own <c>reasoning</c> item at its place; every other thinking block
/// (Anthropic's signatures, other providers', unsigned, tampered) is left out: the upstream would
/// reject it, and its content was never the upstream's.</item>
/// <item>Always <c>store: false</c> (Bridge keeps no state upstream); with reasoning on, the
/// encrypted reasoning is asked for (<c>include</c>) so the next turn can carry it back.</item>
/// <item>Responses has no stop sequences: <c>stop_sequences</c> is validated, left out and named
/// in <see cref="RequestTranslation.DroppedParams"/>.</item>
/// </list>
/// </summary>
public static partial class AnthropicToResponsesRequest
{
    private static ReadOnlySpan<byte> BillingHeaderPrefix => "x-anthropic-billing-header:"u8;
    private static ReadOnlySpan<byte> ToolErrorMarker => "[tool error] "u8;
    private static ReadOnlySpan<byte> ToolAttachmentNote => "[the tool result's images/documents are attached in the next user message]"u8;
    private static ReadOnlySpan<byte> BlankLine => "\\n\\n"u8; // escaped: a JSON "\n\n"
    private static ReadOnlySpan<byte> NewLine => "\\n"u8;
    private const int MaxUserLength = 64;

    // OpenAI refuses max_output_tokens below 16.
    internal const int MinOutputTokens = 16;

    /// <summary>
    /// Translates <paramref name="anthropicRequest"/> into <paramref name="output"/> (UTF-8 JSON).
    /// <paramref name="signatureKey"/> signs and verifies the reasoning carried in thinking signatures.
    /// </summary>
    public static RequestTranslation Translate(TapeElement anthropicRequest, OpenAITarget target, byte[] signatureKey, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(signatureKey);
        ArgumentNullException.ThrowIfNull(output);
        var requestedModel = "";
        try
        {
            using var state = new State(target, signatureKey);
            return state.Run(anthropicRequest, output, out requestedModel);
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

    // What reasoning deployments reject. temperature too, even 1 (the default, so leaving it out changes nothing):
    // the Chat Completions path may send 1, but on Responses it is not worth a refusal.
    private static readonly string[] ReasoningRejectedParams =
    [
        "temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias",
    ];

    // Keys a deployment's defaults may never set: the translator owns them, or they are Chat Completions names.
    private static readonly string[] ReservedKeys =
    [
        "model", "input", "instructions", "stream", "store", "include", "stream_options", "messages",
        "max_tokens", "max_completion_tokens", "max_output_tokens", "reasoning_effort", "stop", "response_format",
    ];

    private sealed partial class State(OpenAITarget target, byte[] signatureKey) : IDisposable
    {
        public void Dispose() => _join.Dispose();

        private readonly ToolNameMap _names = new();
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly List<string> _pendingToolIds = [];
        private readonly RawJsonStringBuilder _join = new();
        private ArrayBufferWriter<byte>? _scratch;
        private bool _reasoningOn;

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
                // additional_drop_params may name the client's field: it then counts as not sent.
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

            // Decided first: it says whether the encrypted reasoning is asked for.
            var effort = ReasoningEffort(thinking, outputConfig);
            _reasoningOn = effort is not null && Allowed("reasoning");

            using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("model"u8, target.Model);
            _written.Add("model");

            WriteInstructions(writer, system);
            WriteInput(writer, messages);

            var limit = target.MaxOutputTokens is int cap && cap > 0 ? Math.Min(cap, maxTokensValue) : maxTokensValue;
            if (Allowed("max_output_tokens") && _written.Add("max_output_tokens"))
            {
                writer.WriteNumber("max_output_tokens"u8, Math.Max(limit, MinOutputTokens));
            }

            if (isStream)
            {
                writer.WriteBoolean("stream"u8, true);
                _written.Add("stream");
            }

            // Bridge keeps no conversation state at the provider; the reasoning travels in the client's history instead.
            writer.WriteBoolean("store"u8, false);
            _written.Add("store");

            if (_reasoningOn)
            {
                writer.WriteStartObject("reasoning"u8);
                writer.WriteString("effort"u8, effort);
                writer.WriteString("summary"u8, "auto"u8);
                writer.WriteEndObject();
                _written.Add("reasoning");
                writer.WriteStartArray("include"u8);
                writer.WriteStringValue(ResponsesItemTypes.IncludeEncryptedReasoning);
                writer.WriteEndArray();
                _written.Add("include");
            }

            WriteSampling(writer, temperature, topP);
            var stops = ReadStopSequences(stopSequences);
            WriteUser(writer, metadata);
            var dropped = WriteTools(writer, tools, toolChoice);
            WriteTextFormat(writer, outputConfig);
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
                DroppedParams = stops.Count > 0 ? ["stop_sequences"] : [],
            };
        }

        private static string Short(string s) => s.Length <= 64 ? s : s[..64];

        /// <summary>Not in AdditionalDropParams.</summary>
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

        private bool AcceptedByDeployment(string key)
        {
            if (!target.IsReasoningModel)
            {
                return true;
            }

            return Array.IndexOf(ReasoningRejectedParams, key) < 0;
        }

        private void Emit(Utf8JsonWriter writer, string key, TapeElement value)
        {
            if (Allowed(key) && AcceptedByDeployment(key) && _written.Add(key))
            {
                writer.WritePropertyName(key);
                WriteRaw(writer, value);
            }
        }
    }
}
