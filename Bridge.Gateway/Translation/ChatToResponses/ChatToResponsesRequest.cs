using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;

namespace Bridge.Gateway.Translation.ChatToResponses;

/// <summary>
/// OpenAI Chat Completions request -> OpenAI Responses request (docs/translation.md, section 9).
/// Decisions:
/// <list type="bullet">
/// <item>The leading <c>system</c>/<c>developer</c> messages become <c>instructions</c> (joined with a
/// blank line); later ones stay where they are, as <c>system</c>/<c>developer</c> message items.</item>
/// <item>User and assistant messages become message items (<c>input_text</c>/<c>input_image</c>/
/// <c>input_file</c> parts; <c>output_text</c>/<c>refusal</c> parts); assistant <c>tool_calls</c> become
/// <c>function_call</c> items (ids unchanged: the response translators hand out the upstream's
/// <c>call_id</c>), tool messages <c>function_call_output</c> items. Audio input has no Responses form: 400.</item>
/// <item>Reasoning does not survive a Chat client's turns: Chat Completions has no field for the
/// encrypted reasoning, so a reply's reasoning is shown (<c>reasoning_content</c>) but never sent back;
/// an assistant message's <c>reasoning_content</c>/<c>reasoning</c> is ignored.</item>
/// <item>Always <c>store: false</c>; with a <c>reasoning_effort</c> (reasoning deployments only)
/// <c>reasoning: {effort, summary: auto}</c> and the encrypted reasoning is asked for, as on the
/// Anthropic path.</item>
/// <item><c>logprobs</c>/<c>top_logprobs</c> -> <c>include: message.output_text.logprobs</c> and
/// <c>top_logprobs</c> (not for reasoning deployments, which refuse them: dropped and named there).</item>
/// <item>Parameters Responses lacks (<c>stop</c>, <c>seed</c>, penalties,
/// <c>logit_bias</c>...) are validated, left out and named in
/// <see cref="ChatToResponsesRequestTranslation.DroppedParams"/>; <c>n</c> above 1 is a 400.</item>
/// </list>
/// </summary>
public static partial class ChatToResponsesRequest
{
    private static ReadOnlySpan<byte> BlankLine => "\\n\\n"u8; // escaped: a JSON "\n\n"

    // OpenAI refuses max_output_tokens below 16.
    private const int MinOutputTokens = 16;

    // Chat Completions parameters with no Responses counterpart: validated by the caller's client, left out, named.
    private static readonly string[] ChatOnlyParams =
    [
        "seed", "logit_bias", "frequency_penalty", "presence_penalty", "modalities", "audio", "prediction",
        "web_search_options", "functions", "function_call",
    ];

    // What reasoning deployments reject (as on the Anthropic -> Responses path).
    private static readonly string[] ReasoningRejectedParams = ["temperature", "top_p", "top_logprobs"];

    // Keys a deployment's defaults may never set: the translator owns them, or they are Chat Completions names.
    private static readonly string[] ReservedKeys =
    [
        "model", "input", "instructions", "stream", "store", "include", "stream_options", "messages",
        "max_tokens", "max_completion_tokens", "max_output_tokens", "reasoning_effort", "stop", "response_format", "n",
    ];

    /// <summary>Translates <paramref name="chatRequest"/> into <paramref name="output"/> (UTF-8 JSON).</summary>
    /// <param name="requestedModel">The model the client named outside the body (Azure-style path); wins over the body's.</param>
    public static ChatToResponsesRequestTranslation Translate(
        TapeElement chatRequest, OpenAITarget target, IBufferWriter<byte> output, string? requestedModel = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        using var state = new State(target, requestedModel);
        try
        {
            return state.Run(chatRequest, output);
        }
        catch (InvalidRequestException e)
        {
            return ChatToResponsesRequestTranslation.Fail(e.Message, e.Param, state.RequestedModel);
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

    private sealed partial class State(OpenAITarget target, string? requestedModel) : IDisposable
    {
        public void Dispose() => _join.Dispose();

        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly RawJsonStringBuilder _join = new();
        private List<string>? _dropped;

        public string RequestedModel { get; private set; } = "";

        public ChatToResponsesRequestTranslation Run(TapeElement request, IBufferWriter<byte> output)
        {
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(null, "The request body must be a JSON object.");
            }

            TapeElement model = default, messages = default, maxTokens = default, maxCompletionTokens = default,
                stop = default, temperature = default, topP = default, tools = default, toolChoice = default,
                parallelToolCalls = default, reasoningEffort = default, responseFormat = default, verbosity = default,
                stream = default, streamOptions = default, n = default, logprobs = default, topLogprobs = default;
            List<TapeProperty>? passed = null;

            foreach (var property in request.EnumerateObject())
            {
                var name = property.Name;
                if (name is not ("model" or "messages" or "stream") && !Allowed(name))
                {
                    continue;
                }

                switch (name)
                {
                    case "model": model = property.Value; break;
                    case "messages": messages = property.Value; break;
                    case "max_tokens": maxTokens = property.Value; break;
                    case "max_completion_tokens": maxCompletionTokens = property.Value; break;
                    case "stop": stop = property.Value; break;
                    case "temperature": temperature = property.Value; break;
                    case "top_p": topP = property.Value; break;
                    case "tools": tools = property.Value; break;
                    case "tool_choice": toolChoice = property.Value; break;
                    case "parallel_tool_calls": parallelToolCalls = property.Value; break;
                    case "reasoning_effort": reasoningEffort = property.Value; break;
                    case "response_format": responseFormat = property.Value; break;
                    case "verbosity": verbosity = property.Value; break;
                    case "stream": stream = property.Value; break;
                    case "stream_options": streamOptions = property.Value; break;
                    case "n": n = property.Value; break;
                    case "logprobs": logprobs = property.Value; break;
                    case "top_logprobs": topLogprobs = property.Value; break;
                    case "store": break; // Bridge keeps no state upstream: always store: false.
                    default:
                        if (IsAbsent(property.Value))
                        {
                            break;
                        }

                        if (Array.IndexOf(ChatOnlyParams, name) >= 0)
                        {
                            if (!IsNoOp(name, property.Value))
                            {
                                Drop(name);
                            }
                        }
                        else if (!target.DropParams)
                        {
                            // prompt_cache_key, safety_identifier, user, metadata, service_tier and anything
                            // unknown: same name and meaning in the Responses API, or the upstream's to judge.
                            (passed ??= []).Add(property);
                        }

                        break;
                }
            }

            var modelName = requestedModel;
            if (modelName is null && (model.ValueKind != JsonValueKind.String || (modelName = model.GetString()) is not { Length: > 0 }))
            {
                throw model.ValueKind == JsonValueKind.Undefined
                    ? Invalid("model", "you must provide a model parameter")
                    : WrongType("model", "a non-empty string");
            }

            RequestedModel = modelName;
            if (messages.ValueKind != JsonValueKind.Array)
            {
                throw messages.ValueKind == JsonValueKind.Undefined
                    ? Invalid("messages", "Missing required parameter: 'messages'.")
                    : WrongType("messages", "an array");
            }

            if (messages.GetArrayLength() == 0)
            {
                throw Invalid("messages", "Invalid 'messages': empty array. Expected an array with minimum length 1.");
            }

            ReadN(n);
            var isStream = stream.ValueKind switch
            {
                JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => false,
                JsonValueKind.True => true,
                _ => throw WrongType("stream", "a boolean"),
            };
            var includeUsage = ReadIncludeUsage(streamOptions);
            var limit = ReadLimit(maxCompletionTokens, "max_completion_tokens") ?? ReadLimit(maxTokens, "max_tokens");
            var effort = ReadEffort(reasoningEffort);

            using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("model"u8, target.Model);
            _written.Add("model");

            WriteConversation(writer, messages);

            var cap = target.MaxOutputTokens is int c && c > 0 ? c : (int?)null;
            if ((limit ?? cap) is int sent && Allowed("max_output_tokens") && _written.Add("max_output_tokens"))
            {
                writer.WriteNumber("max_output_tokens"u8, Math.Max(cap is int k ? Math.Min(k, sent) : sent, MinOutputTokens));
            }

            if (isStream)
            {
                writer.WriteBoolean("stream"u8, true);
            }

            _written.Add("stream");

            // Bridge keeps no conversation state at the provider.
            writer.WriteBoolean("store"u8, false);
            _written.Add("store");

            var encryptedReasoning = WriteReasoning(writer, effort);
            WriteSampling(writer, temperature, topP);
            ReadStop(stop);
            var outputLogprobs = WriteLogprobs(writer, logprobs, topLogprobs);
            WriteInclude(writer, encryptedReasoning, outputLogprobs);
            var hasTools = WriteTools(writer, tools);
            WriteToolChoice(writer, toolChoice, parallelToolCalls, hasTools);
            WriteText(writer, responseFormat, verbosity);

            if (passed is not null)
            {
                foreach (var property in passed)
                {
                    if (_written.Add(property.Name))
                    {
                        writer.WritePropertyName(property.Name);
                        WriteRaw(writer, property.Value);
                    }
                }
            }

            WriteDefaults(writer);
            // Last: a prompt_cache_key the client sent itself (passed above) or a deployment default wins.
            if (target.PromptCacheKey is { } cacheKey && Allowed("prompt_cache_key") && _written.Add("prompt_cache_key"))
            {
                writer.WriteString("prompt_cache_key"u8, cacheKey);
            }

            writer.WriteEndObject();
            writer.Flush();

            return new ChatToResponsesRequestTranslation
            {
                Ok = true,
                Stream = isStream,
                IncludeUsage = isStream && includeUsage,
                RequestedModel = modelName,
                DroppedParams = _dropped ?? (IReadOnlyList<string>)[],
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

        private void Drop(string name) => (_dropped ??= []).Add(name);

        private static bool IsNoOp(string name, TapeElement value) => name switch
        {
            "frequency_penalty" or "presence_penalty" => value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0,
            _ => false,
        };

        private void Emit(Utf8JsonWriter writer, string key, TapeElement value)
        {
            if (Allowed(key) && (!target.IsReasoningModel || Array.IndexOf(ReasoningRejectedParams, key) < 0) && _written.Add(key))
            {
                writer.WritePropertyName(key);
                WriteRaw(writer, value);
            }
        }

        private void WriteDefaults(Utf8JsonWriter writer)
        {
            foreach (var (key, value) in DefaultParamTapes.Of(target.DefaultParams))
            {
                if (Array.IndexOf(ReservedKeys, key) < 0 && Array.IndexOf(ChatOnlyParams, key) < 0)
                {
                    Emit(writer, key, value);
                }
            }
        }
    }
}
