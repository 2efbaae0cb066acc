using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Gateway.Translation.ResponsesToMessages;

/// <summary>
/// OpenAI Responses request (Codex CLI, the OpenAI SDKs' Responses clients) -> Anthropic Messages request
/// (docs/translation.md, "Responses client -> Anthropic deployment"). Decisions:
/// <list type="bullet">
/// <item><c>instructions</c> and <c>developer</c>/<c>system</c> message items become <c>system</c> text
/// blocks in request order (Anthropic has no system turn).</item>
/// <item>Other items form alternating turns: user messages and tool outputs one user turn (tool results
/// first, as Anthropic requires), assistant messages, tool calls and Bridge's own reasoning items one
/// assistant turn (blocks in item order, which is the order Anthropic sent them in). <c>call_id</c> becomes <c>tool_use.id</c> through
/// <see cref="ToolCallIds.ToAnthropic"/>, the same way for the call and its output.</item>
/// <item><c>custom</c> (free-form) tools become tools with one string property <c>input</c>
/// (<see cref="CustomToolInput"/>); <c>web_search</c> becomes Anthropic's server web search tool; other
/// hosted tools are dropped and listed in <see cref="ResponsesRequestTranslation.DroppedTools"/>.</item>
/// <item><c>reasoning.effort</c> becomes <c>thinking.budget_tokens</c> with the budgets and the
/// <c>max_tokens</c> rule of <see cref="ChatRequestToMessages"/>; thinking is left out when the last
/// assistant turn has tool calls but no thinking block to return (Anthropic rejects that).</item>
/// <item>Responses-only state and telemetry (<c>store</c>, <c>include</c>, <c>client_metadata</c>,
/// <c>prompt_cache_key</c>, <c>text.verbosity</c>, ...) is never sent; <c>previous_response_id</c> is returned.</item>
/// </list>
/// </summary>
public static partial class ResponsesToMessagesRequest
{
    private const string ConversationStartText = ".";
    private const int MinThinkingBudget = 1024;

    // Responses parameters with no Anthropic meaning, never sent: server-side state (store, include,
    // conversation items), Codex telemetry (client_metadata), OpenAI's cache routing (prompt_cache_key;
    // Anthropic caches by cache_control), and settings of OpenAI's own serving.
    private static readonly string[] ResponsesOnlyParams =
    [
        "store", "include", "client_metadata", "metadata", "truncation", "max_tool_calls", "top_logprobs",
        "stream_options", "prompt_cache_key", "prompt_cache_retention", "service_tier", "background",
    ];

    /// <summary>Translates <paramref name="responsesRequest"/> into <paramref name="output"/> (UTF-8 JSON).</summary>
    public static ResponsesRequestTranslation Translate(TapeElement responsesRequest, AnthropicTarget target, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        var state = new State(target);
        try
        {
            return state.Run(responsesRequest, output);
        }
        catch (InvalidRequestException e)
        {
            return ResponsesRequestTranslation.Fail(e.Message, e.Param, state.RequestedModel);
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

    private sealed partial class State(AnthropicTarget target)
    {
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private HashSet<string>? _customTools;
        private bool _lastAssistantNeedsThinking;
        private bool _systemStarted;

        public string RequestedModel { get; private set; } = "";

        public ResponsesRequestTranslation Run(TapeElement request, IBufferWriter<byte> output)
        {
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(null, "The request body must be a JSON object.");
            }

            TapeElement model = default, input = default, instructions = default, stream = default, tools = default,
                toolChoice = default, parallelToolCalls = default, reasoning = default, maxOutputTokens = default,
                temperature = default, topP = default, text = default, safetyIdentifier = default, user = default,
                previousResponseId = default;

            foreach (var property in request.EnumerateObject())
            {
                var name = property.Name;
                if (name is not ("model" or "input" or "stream") && Dropped(name))
                {
                    continue;
                }

                switch (name)
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
                    case "safety_identifier": safetyIdentifier = property.Value; break;
                    case "user": user = property.Value; break;
                    case "previous_response_id": previousResponseId = property.Value; break;
                    case "conversation" or "prompt":
                        if (!IsAbsent(property.Value))
                        {
                            // Both name state stored at OpenAI (a conversation, a prompt template): nothing to send.
                            throw Invalid(name, $"'{name}' is not supported for this deployment.");
                        }

                        break;
                    case "background":
                        if (property.Value.ValueKind == JsonValueKind.True)
                        {
                            throw Invalid("background", "Background responses are not supported for this deployment.");
                        }

                        break;
                    default:
                        if (!target.DropParams && !IsAbsent(property.Value) && Array.IndexOf(ResponsesOnlyParams, name) < 0)
                        {
                            throw Invalid(name, $"Unrecognized request argument supplied: {name}");
                        }

                        break;
                }
            }

            // The deployment's defaults (litellm_params) are in OpenAI Chat terms: each fills a field the client left
            // out, as on the Chat -> Messages path; top_k is Anthropic's own and is written as is (without thinking).
            var defaultEffort = default(TapeElement);
            var defaultLimit = default(TapeElement);
            foreach (var (key, value) in DefaultParamTapes.Of(target.DefaultParams))
            {
                if (Dropped(key)) continue;
                switch (key)
                {
                    case "temperature" when temperature.ValueKind == JsonValueKind.Undefined && topP.ValueKind == JsonValueKind.Undefined:
                        temperature = value;
                        break;
                    case "top_p" when topP.ValueKind == JsonValueKind.Undefined && temperature.ValueKind == JsonValueKind.Undefined:
                        topP = value;
                        break;
                    case "reasoning_effort" when reasoning.ValueKind == JsonValueKind.Undefined: defaultEffort = value; break;
                    case "parallel_tool_calls" when parallelToolCalls.ValueKind == JsonValueKind.Undefined: parallelToolCalls = value; break;
                    case "max_completion_tokens" when maxOutputTokens.ValueKind == JsonValueKind.Undefined: defaultLimit = value; break;
                }
            }

            if (model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
            {
                throw model.ValueKind == JsonValueKind.Undefined
                    ? Invalid("model", "Missing required parameter: 'model'.")
                    : WrongType("model", "a non-empty string");
            }

            RequestedModel = modelName;
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

            var requestedLimit = ReadLimit(maxOutputTokens, "max_output_tokens") ?? ReadLimit(defaultLimit, "max_completion_tokens");
            var budget = defaultEffort.ValueKind == JsonValueKind.Undefined
                ? ReadThinkingBudget(ReadEffort(reasoning), "reasoning.effort")
                : ReadThinkingBudget(defaultEffort, "reasoning_effort");

            using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("model"u8, target.Model);
            _written.Add("model");

            PlanCache(instructions, input, tools);
            WriteSystem(writer, instructions, input);
            WriteMessages(writer, input);

            // ---- output limit and thinking (the rule of ChatRequestToMessages) ----
            var cap = target.MaxOutputTokens is int c && c > 0 ? c : int.MaxValue;
            var limit = Math.Min(requestedLimit ?? target.DefaultMaxTokens, cap);
            if (budget is int b)
            {
                if (_lastAssistantNeedsThinking || Dropped("thinking") || ForcesTool(toolChoice))
                {
                    budget = null;
                }
                else
                {
                    if (b >= limit)
                    {
                        limit = (int)Math.Min((long)b + limit, cap);
                    }

                    if (b >= limit)
                    {
                        b = limit / 2;
                    }

                    budget = b < MinThinkingBudget ? null : b;
                }
            }

            writer.WriteNumber("max_tokens"u8, limit);
            _written.Add("max_tokens");
            if (budget is int thinkingBudget)
            {
                writer.WriteStartObject("thinking"u8);
                writer.WriteString("type"u8, "enabled"u8);
                writer.WriteNumber("budget_tokens"u8, thinkingBudget);
                writer.WriteEndObject();
                _written.Add("thinking");
            }
            else
            {
                WriteSampling(writer, temperature, topP);
            }

            var dropped = WriteTools(writer, tools, toolChoice, parallelToolCalls);
            WriteMetadata(writer, IsAbsent(user) ? safetyIdentifier : user, IsAbsent(user) ? "safety_identifier" : "user");
            WriteTextFormat(writer, text);
            if (isStream)
            {
                writer.WriteBoolean("stream"u8, true);
            }

            if (budget is null && DefaultParamTapes.Of(target.DefaultParams).TryGetValue("top_k", out var topK) && Claim("top_k"))
            {
                writer.WritePropertyName("top_k"u8);
                topK.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.Flush();

            return new ResponsesRequestTranslation
            {
                Ok = true,
                Stream = isStream,
                RequestedModel = modelName,
                CustomTools = _customTools ?? ResponsesRequestTranslation.EmptySet,
                DroppedTools = dropped,
                PreviousResponseId = previousId,
            };
        }

        private bool Dropped(string key)
        {
            foreach (var drop in target.AdditionalDropParams)
            {
                if (string.Equals(drop, key, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Writing an optional top-level key: not drop-listed and not yet written.</summary>
        private bool Claim(string key) => !Dropped(key) && _written.Add(key);

        private static int? ReadLimit(TapeElement value, string param)
        {
            if (IsAbsent(value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var limit))
            {
                throw WrongType(param, "an integer");
            }

            if (limit < 1)
            {
                throw Invalid(param, $"Invalid '{param}': integer below minimum value 1.");
            }

            return limit;
        }

        private static TapeElement ReadEffort(TapeElement reasoning)
        {
            if (IsAbsent(reasoning))
            {
                return default;
            }

            if (reasoning.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("reasoning", "an object");
            }

            // reasoning.summary alone asks for nothing Anthropic has.
            return reasoning.TryGetProperty("effort"u8, out var effort) ? effort : default;
        }

        /// <summary>An effort -> budget, as <see cref="ChatRequestToMessages"/> maps <c>reasoning_effort</c>.</summary>
        private static int? ReadThinkingBudget(TapeElement effort, string param)
        {
            if (IsAbsent(effort))
            {
                return null;
            }

            if (effort.ValueKind != JsonValueKind.String)
            {
                throw WrongType(param, "a string");
            }

            return effort.GetString() switch
            {
                "none" => null,
                "minimal" or "low" => 1024,
                "medium" => 4096,
                "high" => 16384,
                "xhigh" => 32768,
                var other => throw Invalid(
                    param,
                    $"Invalid value for '{param}': '{other}'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'."),
            };
        }
    }
}
