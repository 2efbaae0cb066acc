using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Translation.ResponsesToChat;

/// <summary>
/// OpenAI Responses request (Codex CLI, the OpenAI SDKs' Responses clients) -> OpenAI Chat Completions
/// request (docs/translation.md, "Responses client -> Chat Completions deployment"). Decisions:
/// <list type="bullet">
/// <item><c>instructions</c> and <c>developer</c>/<c>system</c> items become system messages in place;
/// reasoning deployments get <c>developer</c> (their own name for it, which they all accept), others
/// <c>system</c> (OpenAI-compatible servers do not all know <c>developer</c>).</item>
/// <item>An assistant <c>message</c> item and the <c>function_call</c>/<c>custom_tool_call</c> items after
/// it form one assistant message with <c>tool_calls</c>; outputs become <c>tool</c> messages.</item>
/// <item><c>reasoning</c> items are dropped: Chat Completions takes no reasoning back.</item>
/// <item><c>custom</c> tools become functions with one string parameter (<see cref="CustomToolInput"/>).</item>
/// <item>Hosted tools (<c>web_search</c>, <c>tool_search</c>, <c>file_search</c>, ...) have no Chat form:
/// dropped and reported in <see cref="ResponsesRequestTranslation.DroppedTools"/>.</item>
/// <item>Server-side state (<c>store</c>, <c>previous_response_id</c>) is never sent; the id is returned.</item>
/// </list>
/// </summary>
public static partial class ResponsesToChatRequest
{
    private static ReadOnlySpan<byte> BlankLine => "\\n\\n"u8; // escaped: a JSON "\n\n"
    private static ReadOnlySpan<byte> NewLine => "\\n"u8;

    /// <summary>Translates <paramref name="responsesRequest"/> into <paramref name="output"/> (UTF-8 JSON).</summary>
    public static ResponsesRequestTranslation Translate(TapeElement responsesRequest, OpenAITarget target, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        var requestedModel = "";
        try
        {
            using var state = new State(target);
            return state.Run(responsesRequest, output, out requestedModel);
        }
        catch (InvalidRequestException e)
        {
            return ResponsesRequestTranslation.Fail(e.Message, e.Param, requestedModel);
        }
    }

    private sealed class InvalidRequestException(string message, string? param) : Exception(message)
    {
        public string? Param { get; } = param;
    }

    private static InvalidRequestException Invalid(string? param, string message) => new(message, param);

    private static InvalidRequestException WrongType(string param, string expected) =>
        new($"Invalid type for '{param}': expected {expected}.", param);

    private static void WriteRaw(Utf8JsonWriter writer, TapeElement value) => TranslationJson.WriteRaw(writer, value);

    private static bool IsAbsent(TapeElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    // Responses-only parameters with no Chat Completions meaning: never sent, even without drop_params.
    // store/previous_response_id/include/conversation state lives on OpenAI's side; client_metadata is
    // Codex's telemetry; truncation/max_tool_calls/stream_options (obfuscation) do not exist in Chat.
    private static readonly string[] ResponsesOnlyParams =
    [
        "store", "include", "client_metadata", "metadata", "truncation", "max_tool_calls", "top_logprobs",
        "stream_options", "prompt_cache_retention", "background",
    ];

    // What reasoning deployments reject (the same list as the Anthropic translator's).
    private static readonly string[] ReasoningRejectedParams =
    [
        "top_p", "stop", "max_tokens", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias",
    ];

    // Keys a deployment's defaults may never set: the translator owns them.
    private static readonly string[] ReservedKeys = ["model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens"];

    private sealed partial class State(OpenAITarget target) : IDisposable
    {
        public void Dispose() => _join.Dispose();

        private readonly ToolNameMap _names = new();
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly RawJsonStringBuilder _join = new();
        private HashSet<string>? _customTools;

        public ResponsesRequestTranslation Run(TapeElement request, IBufferWriter<byte> output, out string requestedModel)
        {
            requestedModel = "";
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(null, "The request body must be a JSON object.");
            }

            TapeElement model = default, input = default, instructions = default, stream = default, tools = default,
                toolChoice = default, parallelToolCalls = default, reasoning = default, maxOutputTokens = default,
                temperature = default, topP = default, text = default, promptCacheKey = default,
                safetyIdentifier = default, user = default, previousResponseId = default, serviceTier = default;
            List<TapeProperty>? unknown = null;

            foreach (var property in request.EnumerateObject())
            {
                // additional_drop_params may name the client's field: it then counts as not sent.
                if (property.Name is not ("model" or "input" or "stream") && !Allowed(property.Name))
                {
                    continue;
                }

                switch (property.Name)
                {
                    case "model": model = property.Value; break;
                    case "input": input = property.Value; break;
                    case "instructions": instructions = property.Value; break;
                    case "stream": stream = property.Value; break;
                    case "tools": tools = property.Value; break;
                    case "tool_choice": toolChoice = property.Value; break;
                    case "parallel_tool_calls": parallelToolCalls = property.Value; break;
                    case "reasoning": reasoning = property.Value; break;
                    case "max_output_tokens": maxOutputTokens = property.Value; break;
                    case "temperature": temperature = property.Value; break;
                    case "top_p": topP = property.Value; break;
                    case "text": text = property.Value; break;
                    case "prompt_cache_key": promptCacheKey = property.Value; break;
                    case "safety_identifier": safetyIdentifier = property.Value; break;
                    case "user": user = property.Value; break;
                    case "service_tier": serviceTier = property.Value; break;
                    case "previous_response_id": previousResponseId = property.Value; break;
                    case "conversation" or "prompt":
                        if (!IsAbsent(property.Value))
                        {
                            // Both name state stored at OpenAI (a conversation, a prompt template): nothing to send.
                            throw Invalid(property.Name, $"'{property.Name}' is not supported for this deployment.");
                        }

                        break;
                    case "background":
                        if (property.Value.ValueKind == JsonValueKind.True)
                        {
                            throw Invalid("background", "Background responses are not supported for this deployment.");
                        }

                        break;
                    default:
                        if (!target.DropParams && Array.IndexOf(ResponsesOnlyParams, property.Name) < 0)
                        {
                            (unknown ??= []).Add(property);
                        }

                        break;
                }
            }

            if (model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
            {
                throw model.ValueKind == JsonValueKind.Undefined
                    ? Invalid("model", "Missing required parameter: 'model'.")
                    : WrongType("model", "a non-empty string");
            }

            requestedModel = modelName;
            if (input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
            {
                throw input.ValueKind == JsonValueKind.Undefined
                    ? Invalid("input", "Missing required parameter: 'input'.")
                    : WrongType("input", "a string or an array of input items");
            }

            var isStream = stream.ValueKind switch
            {
                JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => false,
                JsonValueKind.True => true,
                _ => throw WrongType("stream", "a boolean"),
            };

            string? previousId = null;
            if (!IsAbsent(previousResponseId))
            {
                previousId = previousResponseId.ValueKind == JsonValueKind.String
                    ? previousResponseId.GetString()
                    : throw WrongType("previous_response_id", "a string");
            }

            int? limit = null;
            if (!IsAbsent(maxOutputTokens))
            {
                if (maxOutputTokens.ValueKind != JsonValueKind.Number || !maxOutputTokens.TryGetInt32(out var max))
                {
                    throw WrongType("max_output_tokens", "an integer");
                }

                if (max < 1)
                {
                    throw Invalid("max_output_tokens", "Invalid 'max_output_tokens': integer below minimum value 1.");
                }

                limit = max;
            }

            if (target.MaxOutputTokens is int cap && cap > 0)
            {
                // The output cap lowers the client's limit, and applies when the client set none.
                limit = limit is int l ? Math.Min(l, cap) : cap;
            }

            using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("model"u8, target.Model);
            _written.Add("model");

            WriteMessages(writer, instructions, input);

            var maxKey = target.IsReasoningModel && Allowed("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
            if (limit is int value && Allowed(maxKey) && _written.Add(maxKey))
            {
                writer.WriteNumber(maxKey, value);
            }

            if (isStream)
            {
                writer.WriteBoolean("stream"u8, true);
                _written.Add("stream");
                if (target.IncludeStreamUsage)
                {
                    // Always asked for: response.completed carries the usage.
                    writer.WriteStartObject("stream_options"u8);
                    writer.WriteBoolean("include_usage"u8, true);
                    writer.WriteEndObject();
                    _written.Add("stream_options");
                }
            }

            WriteNumberParam(writer, "temperature", temperature);
            WriteNumberParam(writer, "top_p", topP);
            var dropped = WriteTools(writer, tools, toolChoice, parallelToolCalls);
            WriteReasoning(writer, reasoning);
            WriteText(writer, text);
            WriteStringParam(writer, "prompt_cache_key", promptCacheKey);
            WriteStringParam(writer, "safety_identifier", safetyIdentifier);
            WriteStringParam(writer, "user", user);
            WriteStringParam(writer, "service_tier", serviceTier);
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

            // Last: the client's own prompt_cache_key (Codex sends one, written above) or a deployment default wins.
            if (target.PromptCacheKey is { } cacheKey && Allowed("prompt_cache_key") && _written.Add("prompt_cache_key"))
            {
                writer.WriteString("prompt_cache_key"u8, cacheKey);
            }

            writer.WriteEndObject();
            writer.Flush();

            return new ResponsesRequestTranslation
            {
                Ok = true,
                Stream = isStream,
                RequestedModel = modelName,
                ToolNames = _names.Count == 0 ? ToolNameMap.Empty : _names,
                CustomTools = _customTools ?? ResponsesRequestTranslation.EmptySet,
                DroppedTools = dropped,
                PreviousResponseId = previousId,
            };
        }

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

        private void Emit(Utf8JsonWriter writer, string key, TapeElement value)
        {
            if (Allowed(key) && AcceptedByDeployment(key, value) && _written.Add(key))
            {
                writer.WritePropertyName(key);
                WriteRaw(writer, value);
            }
        }

        private void WriteNumberParam(Utf8JsonWriter writer, string key, TapeElement value)
        {
            if (IsAbsent(value))
            {
                return;
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                throw WrongType(key, "a number");
            }

            Emit(writer, key, value);
        }

        private void WriteStringParam(Utf8JsonWriter writer, string key, TapeElement value)
        {
            if (IsAbsent(value))
            {
                return;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw WrongType(key, "a string");
            }

            Emit(writer, key, value);
        }

        private void WriteDefaults(Utf8JsonWriter writer)
        {
            foreach (var (key, value) in DefaultParamTapes.Of(target.DefaultParams))
            {
                if (Array.IndexOf(ReservedKeys, key) < 0)
                {
                    Emit(writer, key, value);
                }
            }
        }
    }
}
