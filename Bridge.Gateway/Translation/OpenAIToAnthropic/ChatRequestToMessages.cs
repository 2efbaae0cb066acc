using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// OpenAI Chat Completions request -> Anthropic Messages request (PROTOCOL.md section 4).
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
/// <item>OpenAI-only parameters (logprobs, penalties, seed, store, audio...) and unknown ones: dropped
/// with <see cref="AnthropicTarget.DropParams"/>, else 400 naming them. Null values and no-op values
/// (<c>logprobs: false</c>, penalties 0, <c>store: false</c>) count as not set.</item>
/// <item>Assistant <c>reasoning_content</c> sent back by clients is dropped (no signature).</item>
/// </list>
/// </summary>
public static class ChatRequestToMessages
{
    private const string ConversationStartText = ".";
    private const int MinThinkingBudget = 1024;

    private static readonly string[] OpenAIOnlyParams =
    [
        "logprobs", "top_logprobs", "logit_bias", "frequency_penalty", "presence_penalty", "seed", "service_tier",
        "store", "prediction", "modalities", "audio", "metadata", "verbosity", "web_search_options", "functions",
        "function_call",
    ];


    /// <summary>Translates <paramref name="openAIRequest"/> into <paramref name="output"/> (UTF-8 JSON).</summary>
    /// <param name="requestedModel">
    /// The model the client named outside the body (the Azure-style path's deployment); the body's <c>model</c>
    /// is then optional and this name wins.
    /// </param>
    public static ChatRequestTranslation Translate(JsonElement openAIRequest, AnthropicTarget target, IBufferWriter<byte> output, string? requestedModel = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        var state = new State(target, requestedModel);
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

    private static void WriteRaw(Utf8JsonWriter writer, JsonElement value) => TranslationJson.WriteRaw(writer, value);

    private static bool IsAbsent(JsonElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    private enum TurnRole
    {
        Skip,
        User,
        Assistant,
    }

    private sealed class State(AnthropicTarget target, string? requestedModel)
    {
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly HashSet<string> _pendingToolIds = new(StringComparer.Ordinal);
        private readonly RawJsonStringBuilder _raw = new();
        private int _pendingFrom = -1;
        private bool _lastAssistantHasToolUse;

        public string RequestedModel { get; private set; } = "";

        public ChatRequestTranslation Run(JsonElement request, IBufferWriter<byte> output)
        {
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(null, "The request body must be a JSON object.");
            }

            JsonElement model = default, messages = default, maxTokens = default, maxCompletionTokens = default,
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
            foreach (var (key, value) in target.DefaultParams)
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

            var list = new JsonElement[messages.GetArrayLength()];
            var count = 0;
            foreach (var message in messages.EnumerateArray())
            {
                list[count++] = message;
            }

            var roles = ClassifyMessages(list);
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

        private void CheckUnsupported(string name, JsonElement value)
        {
            if (IsAbsent(value) || target.DropParams)
            {
                return;
            }

            if (Array.IndexOf(OpenAIOnlyParams, name) >= 0)
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

        private static int? ReadLimit(JsonElement value, string param)
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

        private static int? ReadThinkingBudget(JsonElement effort)
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

        // ---- messages -------------------------------------------------------------------------

        private static TurnRole[] ClassifyMessages(JsonElement[] list)
        {
            var roles = new TurnRole[list.Length];
            for (var i = 0; i < list.Length; i++)
            {
                var message = list[i];
                if (message.ValueKind != JsonValueKind.Object)
                {
                    throw WrongType($"messages[{i}]", "an object");
                }

                if (!message.TryGetProperty("role"u8, out var role))
                {
                    throw Invalid($"messages[{i}].role", $"Missing required parameter: 'messages[{i}].role'.");
                }

                if (role.ValueKind != JsonValueKind.String)
                {
                    throw WrongType($"messages[{i}].role", "a string");
                }

                roles[i] = role.GetString() switch
                {
                    "system" or "developer" => TurnRole.Skip,
                    "user" or "tool" => TurnRole.User,
                    "assistant" => IsEmptyAssistant(message, i) ? TurnRole.Skip : TurnRole.Assistant,
                    "function" => throw Invalid(
                        $"messages[{i}].role",
                        $"Invalid value for 'messages[{i}].role': 'function' messages are not supported; use tool calls and 'tool' messages."),
                    var other => throw Invalid(
                        $"messages[{i}].role",
                        $"Invalid value for 'messages[{i}].role': '{other}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'."),
                };
            }

            return roles;
        }

        private static bool IsEmptyAssistant(JsonElement message, int index)
        {
            if (message.TryGetProperty("function_call"u8, out var functionCall) && !IsAbsent(functionCall))
            {
                throw Invalid(
                    $"messages[{index}].function_call",
                    $"'messages[{index}].function_call' is not supported; use 'tool_calls'.");
            }

            if (message.TryGetProperty("tool_calls"u8, out var calls) && calls.ValueKind == JsonValueKind.Array
                && calls.GetArrayLength() > 0)
            {
                return false;
            }

            if (!message.TryGetProperty("content"u8, out var content))
            {
                return true;
            }

            switch (content.ValueKind)
            {
                case JsonValueKind.String:
                    return content.GetString()!.Length == 0;
                case JsonValueKind.Array:
                    foreach (var part in content.EnumerateArray())
                    {
                        if (part.ValueKind != JsonValueKind.Object
                            || !part.TryGetProperty("type"u8, out var type)
                            || !(type.ValueEquals("text"u8) || type.ValueEquals("refusal"u8))
                            || !part.TryGetProperty(type.ValueEquals("text"u8) ? "text"u8 : "refusal"u8, out var text)
                            || text.ValueKind != JsonValueKind.String
                            || text.GetString()!.Length > 0)
                        {
                            return false; // malformed parts are reported when the turn is written
                        }
                    }

                    return true;
                default:
                    return true;
            }
        }

        private void WriteSystem(Utf8JsonWriter writer, JsonElement[] list, TurnRole[] roles)
        {
            var started = false;
            for (var i = 0; i < list.Length; i++)
            {
                if (roles[i] != TurnRole.Skip || list[i].GetProperty("role"u8).ValueEquals("assistant"u8))
                {
                    continue;
                }

                var path = $"messages[{i}].content";
                if (!list[i].TryGetProperty("content"u8, out var content))
                {
                    throw Invalid(path, $"Missing required parameter: '{path}'.");
                }

                if (content.ValueKind == JsonValueKind.String)
                {
                    if (content.GetString()!.Length > 0)
                    {
                        StartSystem(writer, ref started);
                        WriteTextBlock(writer, content);
                    }

                    continue;
                }

                if (content.ValueKind != JsonValueKind.Array)
                {
                    throw WrongType(path, "a string or an array of text parts");
                }

                var j = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var text = RequireTextPart(part, $"{path}[{j++}]");
                    if (text.GetString()!.Length > 0)
                    {
                        StartSystem(writer, ref started);
                        WriteTextBlock(writer, text);
                    }
                }
            }

            if (started)
            {
                writer.WriteEndArray();
            }
        }

        private void StartSystem(Utf8JsonWriter writer, ref bool started)
        {
            if (!started)
            {
                started = true;
                _written.Add("system");
                writer.WriteStartArray("system"u8);
            }
        }

        private static JsonElement RequireTextPart(JsonElement part, string path)
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(path, "an object");
            }

            if (!part.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{path}.type", $"Missing required parameter: '{path}.type'.");
            }

            if (!type.ValueEquals("text"u8))
            {
                throw Invalid($"{path}.type", $"Invalid value for '{path}.type': '{type.GetString()}'. Only 'text' parts are supported here.");
            }

            if (!part.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw WrongType($"{path}.text", "a string");
            }

            return text;
        }

        private static void WriteTextBlock(Utf8JsonWriter writer, JsonElement text)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WritePropertyName("text"u8);
            WriteRaw(writer, text);
            writer.WriteEndObject();
        }

        private void WriteMessages(Utf8JsonWriter writer, JsonElement[] list, TurnRole[] roles)
        {
            writer.WriteStartArray("messages"u8);
            _written.Add("messages");
            var first = true;
            var i = 0;
            while (i < list.Length)
            {
                if (roles[i] == TurnRole.Skip)
                {
                    i++;
                    continue;
                }

                var role = roles[i];
                var end = i + 1;
                while (end < list.Length && (roles[end] == role || roles[end] == TurnRole.Skip))
                {
                    end++;
                }

                if (first && role == TurnRole.Assistant)
                {
                    writer.WriteStartObject();
                    writer.WriteString("role"u8, "user"u8);
                    writer.WriteStartArray("content"u8);
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteString("text"u8, ConversationStartText);
                    writer.WriteEndObject();
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                first = false;
                if (role == TurnRole.User)
                {
                    WriteUserTurn(writer, list, roles, i, end);
                }
                else
                {
                    WriteAssistantTurn(writer, list, roles, i, end);
                }

                i = end;
            }

            if (_pendingToolIds.Count > 0)
            {
                throw UnansweredToolCalls();
            }

            writer.WriteEndArray();
        }

        private InvalidRequestException UnansweredToolCalls() => Invalid(
            $"messages[{_pendingFrom}].tool_calls",
            $"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. Unanswered: {string.Join(", ", _pendingToolIds)}.");

        // ---- user turn ------------------------------------------------------------------------

        private void WriteUserTurn(Utf8JsonWriter writer, JsonElement[] list, TurnRole[] roles, int start, int end)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "user"u8);
            writer.WriteStartArray("content"u8);
            var blocks = 0;

            // Tool results first, in message order.
            for (var i = start; i < end; i++)
            {
                if (roles[i] == TurnRole.User && list[i].GetProperty("role"u8).ValueEquals("tool"u8))
                {
                    WriteToolResult(writer, list[i], i);
                    blocks++;
                }
            }

            if (_pendingToolIds.Count > 0)
            {
                throw UnansweredToolCalls();
            }

            for (var i = start; i < end; i++)
            {
                if (roles[i] == TurnRole.User && list[i].GetProperty("role"u8).ValueEquals("user"u8))
                {
                    blocks += WriteUserContent(writer, list[i], i);
                }
            }

            if (blocks == 0)
            {
                throw Invalid($"messages[{start}].content", $"Invalid 'messages[{start}].content': the message has no content (empty text is not accepted).");
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        private void WriteToolResult(Utf8JsonWriter writer, JsonElement message, int index)
        {
            var idPath = $"messages[{index}].tool_call_id";
            if (!message.TryGetProperty("tool_call_id"u8, out var idElement))
            {
                throw Invalid(idPath, $"Missing required parameter: '{idPath}'.");
            }

            if (idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 } openAIId)
            {
                throw WrongType(idPath, "a non-empty string");
            }

            var id = ToolCallIds.ToAnthropic(openAIId);
            if (!_pendingToolIds.Remove(id))
            {
                throw Invalid(
                    idPath,
                    $"Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls' (no call with id '{openAIId}').");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "tool_result"u8);
            writer.WriteString("tool_use_id"u8, id);

            var path = $"messages[{index}].content";
            message.TryGetProperty("content"u8, out var content);
            switch (content.ValueKind)
            {
                case JsonValueKind.Undefined or JsonValueKind.Null:
                    break;
                case JsonValueKind.String:
                    if (content.GetString()!.Length > 0)
                    {
                        writer.WritePropertyName("content"u8);
                        WriteRaw(writer, content);
                    }

                    break;
                case JsonValueKind.Array:
                    var started = false;
                    var j = 0;
                    foreach (var part in content.EnumerateArray())
                    {
                        var text = RequireTextPart(part, $"{path}[{j++}]");
                        if (text.GetString()!.Length == 0)
                        {
                            continue;
                        }

                        if (!started)
                        {
                            started = true;
                            writer.WriteStartArray("content"u8);
                        }

                        WriteTextBlock(writer, text);
                    }

                    if (started)
                    {
                        writer.WriteEndArray();
                    }

                    break;
                default:
                    throw WrongType(path, "a string or an array of text parts");
            }

            writer.WriteEndObject();
        }

        private int WriteUserContent(Utf8JsonWriter writer, JsonElement message, int index)
        {
            var path = $"messages[{index}].content";
            if (!message.TryGetProperty("content"u8, out var content))
            {
                throw Invalid(path, $"Missing required parameter: '{path}'.");
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                if (content.GetString()!.Length == 0)
                {
                    return 0;
                }

                WriteTextBlock(writer, content);
                return 1;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                throw WrongType(path, "a string or an array of content parts");
            }

            var blocks = 0;
            var j = 0;
            foreach (var part in content.EnumerateArray())
            {
                var partPath = $"{path}[{j++}]";
                if (part.ValueKind != JsonValueKind.Object)
                {
                    throw WrongType(partPath, "an object");
                }

                if (!part.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"{partPath}.type", $"Missing required parameter: '{partPath}.type'.");
                }

                if (type.ValueEquals("text"u8))
                {
                    var text = RequireTextPart(part, partPath);
                    if (text.GetString()!.Length > 0)
                    {
                        WriteTextBlock(writer, text);
                        blocks++;
                    }
                }
                else if (type.ValueEquals("image_url"u8))
                {
                    WriteImage(writer, part, partPath);
                    blocks++;
                }
                else if (type.ValueEquals("file"u8))
                {
                    WriteDocument(writer, part, partPath);
                    blocks++;
                }
                else if (type.ValueEquals("input_audio"u8))
                {
                    throw Invalid(partPath, $"Invalid content part '{partPath}': audio input is not supported by this model.");
                }
                else
                {
                    throw Invalid(
                        $"{partPath}.type",
                        $"Invalid value for '{partPath}.type': '{type.GetString()}'. Supported values are: 'text', 'image_url' and 'file' (PDF).");
                }
            }

            return blocks;
        }

        private void WriteImage(Utf8JsonWriter writer, JsonElement part, string path)
        {
            var urlPath = $"{path}.image_url.url";
            if (!part.TryGetProperty("image_url"u8, out var imageUrl))
            {
                throw Invalid($"{path}.image_url", $"Missing required parameter: '{path}.image_url'.");
            }

            var url = imageUrl;
            if (imageUrl.ValueKind == JsonValueKind.Object)
            {
                if (!imageUrl.TryGetProperty("url"u8, out url))
                {
                    throw Invalid(urlPath, $"Missing required parameter: '{urlPath}'.");
                }
            }

            if (url.ValueKind != JsonValueKind.String)
            {
                throw WrongType(urlPath, "a string");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "image"u8);
            writer.WriteStartObject("source"u8);
            if (RawJsonStringBuilder.StartsWith(url, "data:"u8))
            {
                var mediaType = WriteBase64Source(writer, url, urlPath, pdfFallback: false);
                if (mediaType is not ("image/jpeg" or "image/png" or "image/gif" or "image/webp"))
                {
                    throw Invalid(urlPath, $"Invalid image in '{urlPath}': media type '{mediaType}' is not supported (image/jpeg, image/png, image/gif, image/webp).");
                }
            }
            else if (RawJsonStringBuilder.StartsWith(url, "https://"u8) || RawJsonStringBuilder.StartsWith(url, "http://"u8))
            {
                writer.WriteString("type"u8, "url"u8);
                writer.WritePropertyName("url"u8);
                WriteRaw(writer, url);
            }
            else
            {
                throw Invalid(urlPath, $"Invalid image URL in '{urlPath}': expected a data: URL (base64) or an http(s) URL.");
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        private void WriteDocument(Utf8JsonWriter writer, JsonElement part, string path)
        {
            var filePath = $"{path}.file";
            if (!part.TryGetProperty("file"u8, out var file) || file.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(filePath, "an object");
            }

            if (!file.TryGetProperty("file_data"u8, out var data) || data.ValueKind != JsonValueKind.String)
            {
                throw Invalid(
                    filePath,
                    $"Unsupported file in '{filePath}': only inline PDF 'file_data' is supported (no 'file_id' references).");
            }

            var isPdfName = file.TryGetProperty("filename"u8, out var filename) && filename.ValueKind == JsonValueKind.String
                && filename.GetString()!.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);

            writer.WriteStartObject();
            writer.WriteString("type"u8, "document"u8);
            writer.WriteStartObject("source"u8);
            string mediaType;
            if (RawJsonStringBuilder.StartsWith(data, "data:"u8))
            {
                mediaType = WriteBase64Source(writer, data, $"{filePath}.file_data", pdfFallback: false);
            }
            else if (isPdfName)
            {
                mediaType = WriteBase64Source(writer, data, $"{filePath}.file_data", pdfFallback: true);
            }
            else
            {
                throw Invalid(
                    $"{filePath}.file_data",
                    $"Unsupported file in '{filePath}.file_data': expected a data:application/pdf;base64 URL or a .pdf filename.");
            }

            if (mediaType != "application/pdf")
            {
                throw Invalid($"{filePath}.file_data", $"Unsupported file in '{filePath}.file_data': '{mediaType}' (only application/pdf).");
            }

            writer.WriteEndObject();
            if (isPdfName)
            {
                writer.WritePropertyName("title"u8);
                WriteRaw(writer, filename);
            }

            writer.WriteEndObject();
        }

        /// <summary>
        /// Writes <c>type: base64, media_type, data</c> from a <c>data:{media type};base64,{data}</c>
        /// string (or, with <paramref name="pdfFallback"/>, plain base64 taken as PDF). The data is
        /// copied as raw JSON bytes, never decoded. Returns the media type.
        /// </summary>
        private string WriteBase64Source(Utf8JsonWriter writer, JsonElement value, string path, bool pdfFallback)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            var content = raw[1..^1];
            string mediaType;
            ReadOnlySpan<byte> data;
            if (pdfFallback)
            {
                mediaType = "application/pdf";
                data = content;
            }
            else
            {
                var comma = content.IndexOf((byte)',');
                var header = comma < 0 ? default : content[5..comma];
                if (comma < 0 || !header.EndsWith(";base64"u8) || header.IndexOf((byte)'\\') >= 0)
                {
                    throw Invalid(path, $"Invalid data URL in '{path}': expected data:<media type>;base64,<data>.");
                }

                mediaType = System.Text.Encoding.UTF8.GetString(header[..^7]).ToLowerInvariant();
                data = content[(comma + 1)..];
            }

            if (data.IsEmpty)
            {
                throw Invalid(path, $"Invalid data URL in '{path}': no data.");
            }

            writer.WriteString("type"u8, "base64"u8);
            writer.WriteString("media_type"u8, mediaType);
            writer.WritePropertyName("data"u8);
            _raw.Begin();
            _raw.AppendEscaped(data);
            _raw.WriteTo(writer);
            return mediaType;
        }

        // ---- assistant turn -------------------------------------------------------------------

        private void WriteAssistantTurn(Utf8JsonWriter writer, JsonElement[] list, TurnRole[] roles, int start, int end)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "assistant"u8);
            writer.WriteStartArray("content"u8);
            _lastAssistantHasToolUse = false;
            _pendingFrom = -1;
            for (var i = start; i < end; i++)
            {
                if (roles[i] != TurnRole.Assistant)
                {
                    continue;
                }

                var message = list[i];
                var path = $"messages[{i}].content";
                if (message.TryGetProperty("content"u8, out var content))
                {
                    switch (content.ValueKind)
                    {
                        case JsonValueKind.Null:
                            break;
                        case JsonValueKind.String:
                            if (content.GetString()!.Length > 0)
                            {
                                WriteTextBlock(writer, content);
                            }

                            break;
                        case JsonValueKind.Array:
                            WriteAssistantParts(writer, content, path);
                            break;
                        default:
                            throw WrongType(path, "a string, null or an array of text parts");
                    }
                }

                if (message.TryGetProperty("tool_calls"u8, out var calls) && !IsAbsent(calls))
                {
                    if (calls.ValueKind != JsonValueKind.Array)
                    {
                        throw WrongType($"messages[{i}].tool_calls", "an array");
                    }

                    var j = 0;
                    foreach (var call in calls.EnumerateArray())
                    {
                        WriteToolUse(writer, call, $"messages[{i}].tool_calls[{j++}]");
                        _lastAssistantHasToolUse = true;
                        if (_pendingFrom < 0)
                        {
                            _pendingFrom = i;
                        }
                    }
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        private static void WriteAssistantParts(Utf8JsonWriter writer, JsonElement content, string path)
        {
            var j = 0;
            foreach (var part in content.EnumerateArray())
            {
                var partPath = $"{path}[{j++}]";
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type"u8, out var type)
                    && type.ValueEquals("refusal"u8))
                {
                    if (!part.TryGetProperty("refusal"u8, out var refusal) || refusal.ValueKind != JsonValueKind.String)
                    {
                        throw WrongType($"{partPath}.refusal", "a string");
                    }

                    if (refusal.GetString()!.Length > 0)
                    {
                        WriteTextBlock(writer, refusal);
                    }

                    continue;
                }

                var text = RequireTextPart(part, partPath);
                if (text.GetString()!.Length > 0)
                {
                    WriteTextBlock(writer, text);
                }
            }
        }

        private void WriteToolUse(Utf8JsonWriter writer, JsonElement call, string path)
        {
            if (call.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(path, "an object");
            }

            if (call.TryGetProperty("type"u8, out var type) && !IsAbsent(type) && !type.ValueEquals("function"u8))
            {
                throw Invalid($"{path}.type", $"Invalid value for '{path}.type': only 'function' tool calls are supported.");
            }

            if (!call.TryGetProperty("id"u8, out var idElement) || idElement.ValueKind != JsonValueKind.String
                || idElement.GetString() is not { Length: > 0 } openAIId)
            {
                throw WrongType($"{path}.id", "a non-empty string");
            }

            if (!call.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw WrongType($"{path}.function", "an object");
            }

            if (!function.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
            {
                throw WrongType($"{path}.function.name", "a non-empty string");
            }

            var argumentsPath = $"{path}.function.arguments";
            string? arguments = null;
            if (function.TryGetProperty("arguments"u8, out var argumentsElement) && !IsAbsent(argumentsElement))
            {
                if (argumentsElement.ValueKind != JsonValueKind.String)
                {
                    throw WrongType(argumentsPath, "a string of JSON");
                }

                arguments = argumentsElement.GetString();
            }

            var id = ToolCallIds.ToAnthropic(openAIId);
            if (!_pendingToolIds.Add(id))
            {
                throw Invalid($"{path}.id", $"Duplicate tool call id '{openAIId}'.");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "tool_use"u8);
            writer.WriteString("id"u8, id);
            writer.WritePropertyName("name"u8);
            WriteRaw(writer, name);
            writer.WritePropertyName("input"u8);
            if (string.IsNullOrWhiteSpace(arguments))
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
            else
            {
                try
                {
                    using var document = JsonDocument.Parse(arguments, TranslationJson.DocumentOptions);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        throw Invalid(argumentsPath, $"Invalid '{argumentsPath}': must be a JSON object.");
                    }

                    document.RootElement.WriteTo(writer);
                }
                catch (JsonException)
                {
                    throw Invalid(argumentsPath, $"Invalid '{argumentsPath}': not valid JSON.");
                }
            }

            writer.WriteEndObject();
        }

        // ---- top-level parameters -------------------------------------------------------------

        private void WriteSampling(Utf8JsonWriter writer, JsonElement temperature, JsonElement topP)
        {
            if (!IsAbsent(temperature))
            {
                if (temperature.ValueKind != JsonValueKind.Number)
                {
                    throw WrongType("temperature", "a number");
                }

                var value = temperature.GetDouble();
                if (value < 0)
                {
                    throw Invalid("temperature", $"Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got {temperature.GetRawText()} instead.");
                }

                if (Claim("temperature"))
                {
                    if (value > 1)
                    {
                        writer.WriteNumber("temperature"u8, 1);
                    }
                    else
                    {
                        writer.WritePropertyName("temperature"u8);
                        WriteRaw(writer, temperature);
                    }
                }
            }

            if (!IsAbsent(topP))
            {
                if (topP.ValueKind != JsonValueKind.Number)
                {
                    throw WrongType("top_p", "a number");
                }

                // Recent Claude models reject temperature and top_p together: temperature wins.
                if (!_written.Contains("temperature") && Claim("top_p"))
                {
                    writer.WritePropertyName("top_p"u8);
                    WriteRaw(writer, topP);
                }
            }
        }

        private void WriteStop(Utf8JsonWriter writer, JsonElement stop)
        {
            if (IsAbsent(stop))
            {
                return;
            }

            if (stop.ValueKind == JsonValueKind.String)
            {
                if (stop.GetString()!.Length > 0 && Claim("stop_sequences"))
                {
                    writer.WriteStartArray("stop_sequences"u8);
                    WriteRaw(writer, stop);
                    writer.WriteEndArray();
                }

                return;
            }

            if (stop.ValueKind != JsonValueKind.Array)
            {
                throw WrongType("stop", "a string or an array of strings");
            }

            var started = false;
            var j = 0;
            foreach (var item in stop.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw WrongType($"stop[{j}]", "a string");
                }

                j++;
                if (item.GetString()!.Length == 0)
                {
                    continue;
                }

                if (!started)
                {
                    if (!Claim("stop_sequences"))
                    {
                        return;
                    }

                    started = true;
                    writer.WriteStartArray("stop_sequences"u8);
                }

                WriteRaw(writer, item);
            }

            if (started)
            {
                writer.WriteEndArray();
            }
        }

        private void WriteTools(Utf8JsonWriter writer, JsonElement tools, JsonElement toolChoice, JsonElement parallelToolCalls)
        {
            var written = 0;
            if (!IsAbsent(tools))
            {
                if (tools.ValueKind != JsonValueKind.Array)
                {
                    throw WrongType("tools", "an array");
                }

                var dropTools = Dropped("tools");
                var j = 0;
                foreach (var tool in tools.EnumerateArray())
                {
                    var path = $"tools[{j++}]";
                    if (tool.ValueKind != JsonValueKind.Object)
                    {
                        throw WrongType(path, "an object");
                    }

                    if (!tool.TryGetProperty("type"u8, out var type) || !type.ValueEquals("function"u8))
                    {
                        throw Invalid($"{path}.type", $"Invalid value for '{path}.type': only 'function' tools are supported.");
                    }

                    if (!tool.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object)
                    {
                        throw WrongType($"{path}.function", "an object");
                    }

                    if (!function.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                    {
                        throw WrongType($"{path}.function.name", "a non-empty string");
                    }

                    var hasSchema = function.TryGetProperty("parameters"u8, out var parameters) && !IsAbsent(parameters);
                    if (hasSchema && parameters.ValueKind != JsonValueKind.Object)
                    {
                        throw WrongType($"{path}.function.parameters", "an object");
                    }

                    if (dropTools)
                    {
                        continue;
                    }

                    if (written++ == 0)
                    {
                        writer.WriteStartArray("tools"u8);
                        _written.Add("tools");
                    }

                    writer.WriteStartObject();
                    writer.WritePropertyName("name"u8);
                    WriteRaw(writer, name);
                    if (function.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                    {
                        writer.WritePropertyName("description"u8);
                        WriteRaw(writer, description);
                    }

                    writer.WritePropertyName("input_schema"u8);
                    WriteSchema(writer, hasSchema ? parameters : default);
                    writer.WriteEndObject();
                }

                if (written > 0)
                {
                    writer.WriteEndArray();
                }
            }

            WriteToolChoice(writer, toolChoice, parallelToolCalls, hasTools: written > 0);
        }

        /// <summary>Anthropic requires an object schema with <c>type: object</c>; OpenAI allows the parameters to be absent or <c>{}</c>.</summary>
        private static void WriteSchema(Utf8JsonWriter writer, JsonElement parameters)
        {
            if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("type"u8, out _))
            {
                WriteRaw(writer, parameters);
                return;
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "object"u8);
            var hasProperties = false;
            if (parameters.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in parameters.EnumerateObject())
                {
                    hasProperties |= property.NameEquals("properties"u8);
                    writer.WritePropertyName(property.Name);
                    WriteRaw(writer, property.Value);
                }
            }

            if (!hasProperties)
            {
                writer.WriteStartObject("properties"u8);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        /// <summary><c>"required"</c> or a named function: what becomes Anthropic's <c>any</c> or <c>tool</c>.</summary>
        private static bool ForcesTool(JsonElement toolChoice) =>
            toolChoice.ValueKind switch
            {
                JsonValueKind.String => toolChoice.ValueEquals("required"u8),
                JsonValueKind.Object => toolChoice.TryGetProperty("type"u8, out var type) && type.ValueEquals("function"u8),
                _ => false,
            };

        private void WriteToolChoice(Utf8JsonWriter writer, JsonElement toolChoice, JsonElement parallelToolCalls, bool hasTools)
        {
            var disableParallel = false;
            if (!IsAbsent(parallelToolCalls))
            {
                disableParallel = parallelToolCalls.ValueKind switch
                {
                    JsonValueKind.False => true,
                    JsonValueKind.True => false,
                    _ => throw WrongType("parallel_tool_calls", "a boolean"),
                };
            }

            string? type = null;
            JsonElement name = default;
            if (!IsAbsent(toolChoice))
            {
                if (toolChoice.ValueKind == JsonValueKind.String)
                {
                    type = toolChoice.GetString() switch
                    {
                        "none" => "none",
                        "auto" => "auto",
                        "required" => "any",
                        var other => throw Invalid("tool_choice", $"Invalid value for 'tool_choice': '{other}'. Supported values are: 'none', 'auto' and 'required'."),
                    };
                }
                else if (toolChoice.ValueKind == JsonValueKind.Object)
                {
                    if (!toolChoice.TryGetProperty("type"u8, out var choiceType) || !choiceType.ValueEquals("function"u8))
                    {
                        throw Invalid("tool_choice.type", "Invalid value for 'tool_choice.type': only 'function' is supported.");
                    }

                    if (!toolChoice.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object
                        || !function.TryGetProperty("name"u8, out name) || name.ValueKind != JsonValueKind.String)
                    {
                        throw WrongType("tool_choice.function.name", "a string");
                    }

                    type = "tool";
                }
                else
                {
                    throw WrongType("tool_choice", "a string or an object");
                }
            }

            if (!hasTools)
            {
                if (type is "any" or "tool")
                {
                    throw Invalid("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
                }

                return; // Anthropic gets neither tool_choice nor parallel settings without tools.
            }

            if (disableParallel && type is null)
            {
                type = "auto";
            }

            if (type is null || !Claim("tool_choice"))
            {
                return;
            }

            writer.WriteStartObject("tool_choice"u8);
            writer.WriteString("type"u8, type);
            if (type == "tool")
            {
                writer.WritePropertyName("name"u8);
                WriteRaw(writer, name);
            }

            if (disableParallel && type != "none")
            {
                writer.WriteBoolean("disable_parallel_tool_use"u8, true);
            }

            writer.WriteEndObject();
        }

        private void WriteMetadata(Utf8JsonWriter writer, JsonElement user, string param)
        {
            if (IsAbsent(user))
            {
                return;
            }

            if (user.ValueKind != JsonValueKind.String)
            {
                throw WrongType(param, "a string");
            }

            if (user.GetString()!.Length == 0 || !Claim("metadata"))
            {
                return;
            }

            writer.WriteStartObject("metadata"u8);
            writer.WritePropertyName("user_id"u8);
            WriteRaw(writer, user);
            writer.WriteEndObject();
        }

        private void WriteResponseFormat(Utf8JsonWriter writer, JsonElement responseFormat)
        {
            if (IsAbsent(responseFormat))
            {
                return;
            }

            if (responseFormat.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("response_format", "an object");
            }

            if (!responseFormat.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid("response_format.type", "Missing required parameter: 'response_format.type'.");
            }

            if (type.ValueEquals("text"u8))
            {
                return;
            }

            if (type.ValueEquals("json_object"u8))
            {
                if (target.DropParams)
                {
                    return;
                }

                throw Invalid(
                    "response_format",
                    "Invalid value for 'response_format.type': 'json_object' has no equivalent on this model; use 'json_schema'.");
            }

            if (!type.ValueEquals("json_schema"u8))
            {
                throw Invalid("response_format.type", $"Invalid value for 'response_format.type': '{type.GetString()}'. Supported values are: 'text', 'json_object' and 'json_schema'.");
            }

            if (!responseFormat.TryGetProperty("json_schema"u8, out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object
                || !jsonSchema.TryGetProperty("schema"u8, out var schema) || schema.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("response_format.json_schema.schema", "an object");
            }

            if (Dropped("response_format") || !Claim("output_config"))
            {
                return;
            }

            writer.WriteStartObject("output_config"u8);
            writer.WriteStartObject("format"u8);
            writer.WriteString("type"u8, "json_schema"u8);
            writer.WritePropertyName("schema"u8);
            WriteRaw(writer, schema);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        private void WriteDefaults(Utf8JsonWriter writer, bool thinkingOn)
        {
            foreach (var (key, value) in target.DefaultParams)
            {
                // Only Anthropic's own sampling key; the OpenAI-named defaults were merged into the request above.
                if (key != "top_k" || thinkingOn)
                {
                    continue;
                }

                if (Claim(key))
                {
                    writer.WritePropertyName(key);
                    value.WriteTo(writer);
                }
            }
        }
    }
}
