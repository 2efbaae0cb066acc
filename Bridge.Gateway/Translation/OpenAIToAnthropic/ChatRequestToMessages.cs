using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// OpenAI Chat Completions request -> Anthropic Messages request (docs/translation.md, sections 2.1-2.3).
/// Decisions:
/// <list type="bullet">
/// <item><c>system</c> and <c>developer</c> messages become top-level <c>system</c> text blocks in
/// request order, wherever they appear (a system message in mid-conversation is appended to the
/// system prompt unchanged; Anthropic has no system turn). They do not split user/assistant runs.</item>
/// <item>Consecutive user/tool messages form one user turn: the tool messages' <c>tool_result</c>
/// blocks first (Anthropic requires them before other content), then the user content in order.
/// Consecutive assistant messages form one assistant turn (text and <c>tool_use</c> blocks in order).
/// Assistant messages with no content and no tool calls are skipped.</item>
/// <item>A conversation that starts with an assistant message gets a leading user turn holding
/// <c>"."</c>: Anthropic's reference says the first message must use the user role.</item>
/// <item>Tool call ids: <see cref="ToolCallIds.ToAnthropic"/> (valid ids unchanged, others encoded,
/// the same way for <c>tool_use.id</c> and <c>tool_result.tool_use_id</c>). A tool message without a
/// matching call in the preceding assistant turn, or a tool call never answered, is a 400 (Anthropic
/// and OpenAI both reject such histories).</item>
/// <item>Tool names pass unchanged (OpenAI's and Anthropic's name rules are the same).
/// <c>function.strict</c> is not forwarded (Anthropic's strict tool use is model-dependent).</item>
/// <item><c>temperature</c> above 1 is clamped to 1 (Anthropic's range is 0..1; OpenAI's 0..2).
/// <c>top_p</c> is sent only without <c>temperature</c> (recent Claude models reject both together).</item>
/// <item><c>reasoning_effort</c> -> <c>thinking.budget_tokens</c>: minimal/low 1024, medium 4096,
/// high 16384, xhigh 32768; <c>none</c> sends no thinking. With thinking, <c>temperature</c> and
/// <c>top_p</c> are not sent (Anthropic rejects them), and <c>max_tokens</c> becomes
/// budget + requested when the request was not above the budget (OpenAI's limit counts reasoning,
/// Anthropic needs budget_tokens &lt; max_tokens), then capped; a cap at or under the budget halves
/// the budget (minimum 1024) or omits thinking. Thinking is also omitted when the last assistant
/// turn has tool calls (an OpenAI client cannot return the signed thinking block Anthropic then
/// requires), and when <c>tool_choice</c> forces a tool (Anthropic refuses thinking with a forced
/// tool; the client's explicit choice wins over an effort hint). See
/// <see cref="ChatRequestTranslation.ThinkingOmitted"/>.</item>
/// <item><c>user</c> (or <c>safety_identifier</c>) -> <c>metadata.user_id</c>. <c>prompt_cache_key</c>
/// is dropped silently (Anthropic caches by <c>cache_control</c>).</item>
/// <item>Cache breakpoints: the client's own <c>cache_control</c> is carried to the block it marks, and
/// <see cref="CacheBreakpoints"/> adds the deployment's injection points or Bridge's default (partial file Cache).</item>
/// <item>OpenAI-only parameters (logprobs, penalties, seed, store, audio...) and unknown ones: dropped
/// with <see cref="AnthropicTarget.DropParams"/>, else 400 naming them. Null values and no-op values
/// (<c>logprobs: false</c>, penalties 0, <c>store: false</c>) count as not set.</item>
/// <item>Assistant <c>reasoning_content</c> sent back by clients is dropped (no signature).</item>
/// </list>
/// </summary>
public static partial class ChatRequestToMessages
{
    private const string ConversationStartText = ".";
    private const int MinThinkingBudget = 1024;

    /// <summary>The OpenAI parameters Anthropic has no counterpart for: the provider table's Anthropic row.</summary>
    private static readonly System.Collections.Frozen.FrozenSet<string> OpenAIOnlyParams = Configuration.Providers.Anthropic.RejectedParams;


    /// <summary>Translates <paramref name="openAIRequest"/> into <paramref name="output"/> (UTF-8 JSON).</summary>
    /// <param name="requestedModel">
    /// The model the client named outside the body (the Azure-style path's deployment); the body's <c>model</c>
    /// is then optional and this name wins.
    /// </param>
    public static ChatRequestTranslation Translate(TapeElement openAIRequest, AnthropicTarget target, IBufferWriter<byte> output, string? requestedModel = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        using var state = new State(target, requestedModel);
        try
        {
            return state.Run(openAIRequest, output);
        }
        catch (InvalidRequestException e)
        {
            return ChatRequestTranslation.Fail(e.Message, e.Param, state.RequestedModel);
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

    private enum TurnRole
    {
        Skip,
        User,
        Assistant,
    }

    private sealed partial class State(AnthropicTarget target, string? requestedModel) : IDisposable
    {
        public void Dispose() => _raw.Dispose();

        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly HashSet<string> _pendingToolIds = new(StringComparer.Ordinal);
        private readonly RawJsonStringBuilder _raw = new();
        private int _pendingFrom = -1;
        private bool _lastAssistantHasToolUse;

        public string RequestedModel { get; private set; } = "";

        public ChatRequestTranslation Run(TapeElement request, IBufferWriter<byte> output)
        {
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(null, "The request body must be a JSON object.");
            }

            TapeElement model = default, messages = default, maxTokens = default, maxCompletionTokens = default,
                stop = default, temperature = default, topP = default, tools = default, toolChoice = default,
                parallelToolCalls = default, reasoningEffort = default, user = default, safetyIdentifier = default,
                responseFormat = default, stream = default, streamOptions = default, n = default;

            foreach (var property in request.EnumerateObject())
            {
                var name = property.Name;
                if (name is not ("model" or "messages" or "stream") && Dropped(name))
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
                    case "user": user = property.Value; break;
                    case "safety_identifier": safetyIdentifier = property.Value; break;
                    case "response_format": responseFormat = property.Value; break;
                    case "stream": stream = property.Value; break;
                    case "stream_options": streamOptions = property.Value; break;
                    case "n": n = property.Value; break;
                    case "prompt_cache_key": break;
                    default:
                        CheckUnsupported(name, property.Value);
                        break;
                }
            }

            // The deployment's defaults (litellm_params) are in OpenAI terms, like the client's request: each one
            // fills a field the client left out and is translated with it. top_k is Anthropic's own and is written
            // as is (WriteDefaults); the rest have no Anthropic counterpart and are left out (the config loader warns).
            foreach (var (key, value) in DefaultParamTapes.Of(target.DefaultParams))
            {
                if (Dropped(key)) continue;
                switch (key)
                {
                    // Temperature and top_p are one choice (only one is sent): a client that made it keeps it.
                    case "temperature" when temperature.ValueKind == JsonValueKind.Undefined && topP.ValueKind == JsonValueKind.Undefined:
                        temperature = value;
                        break;
                    case "top_p" when topP.ValueKind == JsonValueKind.Undefined && temperature.ValueKind == JsonValueKind.Undefined:
                        topP = value;
                        break;
                    case "reasoning_effort" when reasoningEffort.ValueKind == JsonValueKind.Undefined: reasoningEffort = value; break;
                    case "response_format" when responseFormat.ValueKind == JsonValueKind.Undefined: responseFormat = value; break;
                    case "parallel_tool_calls" when parallelToolCalls.ValueKind == JsonValueKind.Undefined: parallelToolCalls = value; break;
                    case "max_completion_tokens" when maxTokens.ValueKind == JsonValueKind.Undefined && maxCompletionTokens.ValueKind == JsonValueKind.Undefined:
                        maxCompletionTokens = value;
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

            int? choices = null;
            if (!IsAbsent(n))
            {
                if (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out var nValue))
                {
                    throw WrongType("n", "an integer");
                }

                if (nValue < 1)
                {
                    throw Invalid("n", "Invalid 'n': must be at least 1.");
                }

                if (nValue > 1)
                {
                    throw Invalid("n", "'n' greater than 1 is not supported by this model (Anthropic returns one choice).");
                }

                choices = nValue;
            }

            var isStream = stream.ValueKind switch
            {
                JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => false,
                JsonValueKind.True => true,
                _ => throw WrongType("stream", "a boolean"),
            };

            var includeUsage = false;
            if (!IsAbsent(streamOptions))
            {
                if (streamOptions.ValueKind != JsonValueKind.Object)
                {
                    throw WrongType("stream_options", "an object");
                }

                if (streamOptions.TryGetProperty("include_usage"u8, out var iu) && !IsAbsent(iu))
                {
                    includeUsage = iu.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw WrongType("stream_options.include_usage", "a boolean"),
                    };
                }
            }

            var requestedLimit = ReadLimit(maxCompletionTokens, "max_completion_tokens") ?? ReadLimit(maxTokens, "max_tokens");
            var budget = ReadThinkingBudget(reasoningEffort);

            using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("model"u8, target.Model);
            _written.Add("model");

            var list = new TapeElement[messages.GetArrayLength()];
            var count = 0;
            foreach (var message in messages.EnumerateArray())
            {
                list[count++] = message;
            }

            var roles = ClassifyMessages(list);
            PlanCache(list, tools);
            WriteSystem(writer, list, roles);
            WriteMessages(writer, list, roles);

            // ---- output limit and thinking ----
            var cap = target.MaxOutputTokens is int c && c > 0 ? c : int.MaxValue;
            var limit = Math.Min(requestedLimit ?? target.DefaultMaxTokens, cap);
            var thinkingOmitted = false;
            if (budget is int b)
            {
                if (_lastAssistantHasToolUse || Dropped("thinking") || ForcesTool(toolChoice))
                {
                    budget = null;
                    thinkingOmitted = true;
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

                    if (b < MinThinkingBudget)
                    {
                        budget = null;
                        thinkingOmitted = true;
                    }
                    else
                    {
                        budget = b;
                    }
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

            WriteStop(writer, stop);
            WriteTools(writer, tools, toolChoice, parallelToolCalls);
            WriteMetadata(writer, IsAbsent(user) ? safetyIdentifier : user, IsAbsent(user) ? "safety_identifier" : "user");
            WriteResponseFormat(writer, responseFormat);
            if (isStream)
            {
                writer.WriteBoolean("stream"u8, true);
            }

            _written.Add("stream");
            WriteDefaults(writer, thinkingOn: budget is not null);
            writer.WriteEndObject();
            writer.Flush();

            return new ChatRequestTranslation
            {
                Ok = true,
                Stream = isStream,
                IncludeUsage = isStream && includeUsage,
                RequestedModel = modelName,
                N = choices,
                ThinkingOmitted = thinkingOmitted,
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

        private void CheckUnsupported(string name, TapeElement value)
        {
            if (IsAbsent(value) || target.DropParams)
            {
                return;
            }

            if (OpenAIOnlyParams.Contains(name))
            {
                var noOp = name switch
                {
                    "logprobs" or "store" => value.ValueKind == JsonValueKind.False,
                    "frequency_penalty" or "presence_penalty" => value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0,
                    _ => false,
                };
                if (!noOp)
                {
                    throw Invalid(name, $"Unsupported parameter: '{name}' is not supported with this model (Anthropic Messages backend).");
                }

                return;
            }

            throw Invalid(name, $"Unrecognized request argument supplied: {name}");
        }

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
                throw Invalid(param, $"Invalid '{param}': integer below minimum value. Expected a value >= 1, but got {limit} instead.");
            }

            return limit;
        }

        private static int? ReadThinkingBudget(TapeElement effort)
        {
            if (IsAbsent(effort))
            {
                return null;
            }

            if (effort.ValueKind != JsonValueKind.String)
            {
                throw WrongType("reasoning_effort", "a string");
            }

            return effort.GetString() switch
            {
                "none" => null,
                "minimal" or "low" => 1024,
                "medium" => 4096,
                "high" => 16384,
                "xhigh" => 32768,
                var other => throw Invalid(
                    "reasoning_effort",
                    $"Invalid value for 'reasoning_effort': '{other}'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'."),
            };
        }
    }
}
