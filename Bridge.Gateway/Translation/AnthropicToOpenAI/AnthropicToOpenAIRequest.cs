using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>
/// Anthropic Messages request -> OpenAI Chat Completions request (PROTOCOL.md section 2).
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
public static class AnthropicToOpenAIRequest
{
    private static ReadOnlySpan<byte> BillingHeaderPrefix => "x-anthropic-billing-header:"u8;
    private static ReadOnlySpan<byte> ToolErrorMarker => "[tool error] "u8;
    private static ReadOnlySpan<byte> ToolAttachmentNote => "[the tool result's images/documents are attached in the next user message]"u8;
    private static ReadOnlySpan<byte> BlankLine => "\\n\\n"u8; // escaped: a JSON "\n\n"
    private static ReadOnlySpan<byte> NewLine => "\\n"u8;
    private const int MaxStopSequences = 4;
    private const int MaxUserLength = 64;

    /// <summary>Translates <paramref name="anthropicRequest"/> into <paramref name="output"/> (UTF-8 JSON).</summary>
    public static RequestTranslation Translate(JsonElement anthropicRequest, OpenAITarget target, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        var requestedModel = "";
        try
        {
            var state = new State(target);
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

    private static void WriteRaw(Utf8JsonWriter writer, JsonElement value) => TranslationJson.WriteRaw(writer, value);

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

    private sealed class State(OpenAITarget target)
    {
        private readonly ToolNameMap _names = new();
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly List<string> _pendingToolIds = [];
        private readonly RawJsonStringBuilder _join = new();
        private ArrayBufferWriter<byte>? _scratch;

        public RequestTranslation Run(JsonElement request, IBufferWriter<byte> output, out string requestedModel)
        {
            requestedModel = "";
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("body: must be a JSON object");
            }

            JsonElement model = default, messages = default, system = default, maxTokens = default,
                stopSequences = default, stream = default, temperature = default, topP = default,
                metadata = default, tools = default, toolChoice = default, thinking = default, outputConfig = default;
            List<JsonProperty>? unknown = null;

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
            var maxKey = target.IsReasoningModel ? "max_completion_tokens" : "max_tokens";
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

        private bool AcceptedByDeployment(string key, JsonElement value)
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

        private void Emit(Utf8JsonWriter writer, string key, JsonElement value)
        {
            if (Allowed(key) && AcceptedByDeployment(key, value) && _written.Add(key))
            {
                writer.WritePropertyName(key);
                WriteRaw(writer, value);
            }
        }

        // ---- messages -------------------------------------------------------------------------

        private void WriteMessages(Utf8JsonWriter writer, JsonElement system, JsonElement messages)
        {
            writer.WriteStartArray("messages"u8);
            _written.Add("messages");
            WriteTopLevelSystem(writer, system);

            List<JsonElement>? deferredSystem = null;
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                var path = $"messages.{index}";
                if (message.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"{path}: must be an object");
                }

                if (!message.TryGetProperty("role"u8, out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"{path}.role: required");
                }

                if (!message.TryGetProperty("content"u8, out var content)
                    || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
                {
                    throw Invalid($"{path}.content: must be a string or an array of content blocks");
                }

                if (roleElement.ValueEquals("user"u8))
                {
                    WriteUserMessage(writer, content, path);
                    RequireToolResultsConsumed(index);
                    if (deferredSystem is not null)
                    {
                        foreach (var deferred in deferredSystem)
                        {
                            WriteSystemMessage(writer, deferred, path);
                        }

                        deferredSystem = null;
                    }
                }
                else if (roleElement.ValueEquals("assistant"u8))
                {
                    RequireToolResultsConsumed(index - 1);
                    WriteAssistantMessage(writer, content, path);
                }
                else if (roleElement.ValueEquals("system"u8))
                {
                    if (_pendingToolIds.Count > 0)
                    {
                        // A system note between a tool_use turn and its tool_result turn would break
                        // OpenAI's order (tool messages must follow the assistant): move it after them.
                        ValidateSystemContent(content, path);
                        (deferredSystem ??= []).Add(content);
                    }
                    else
                    {
                        WriteSystemMessage(writer, content, path);
                    }
                }
                else
                {
                    throw Invalid($"{path}.role: must be 'user', 'assistant' or 'system'");
                }

                index++;
            }

            RequireToolResultsConsumed(index - 1);
            if (deferredSystem is not null)
            {
                foreach (var deferred in deferredSystem)
                {
                    WriteSystemMessage(writer, deferred, "messages");
                }
            }

            writer.WriteEndArray();
        }

        private void RequireToolResultsConsumed(int assistantIndex)
        {
            if (_pendingToolIds.Count > 0)
            {
                throw Invalid(
                    $"messages.{assistantIndex}: tool_use ids without a tool_result in the next user message: {string.Join(", ", _pendingToolIds)}");
            }
        }

        private void WriteTopLevelSystem(Utf8JsonWriter writer, JsonElement system)
        {
            if (system.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return;
            }

            if (system.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "system"u8);
                writer.WritePropertyName("content"u8);
                WriteRaw(writer, system);
                writer.WriteEndObject();
                return;
            }

            if (system.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("system: must be a string or an array of text blocks");
            }

            JoinTextBlocks(system, "system", skipBillingHeader: true);
            if (_join.Length > 0)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "system"u8);
                writer.WritePropertyName("content"u8);
                _join.WriteTo(writer);
                writer.WriteEndObject();
            }
        }

        private void ValidateSystemContent(JsonElement content, string path)
        {
            if (content.ValueKind == JsonValueKind.Array)
            {
                JoinTextBlocks(content, path + ".content", skipBillingHeader: false);
            }
        }

        private void WriteSystemMessage(Utf8JsonWriter writer, JsonElement content, string path)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            if (content.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("content"u8);
                WriteRaw(writer, content);
            }
            else
            {
                JoinTextBlocks(content, path + ".content", skipBillingHeader: false);
                writer.WritePropertyName("content"u8);
                _join.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        /// <summary>Joins text blocks with a blank line into <see cref="_join"/>.</summary>
        private void JoinTextBlocks(JsonElement blocks, string path, bool skipBillingHeader)
        {
            _join.Begin();
            var index = 0;
            foreach (var block in blocks.EnumerateArray())
            {
                var text = RequireText(block, $"{path}.{index}");
                var isBillingHeader = skipBillingHeader && index == 0
                    && RawJsonStringBuilder.StartsWith(text, BillingHeaderPrefix);
                if (!isBillingHeader)
                {
                    if (_join.Length > 0)
                    {
                        _join.AppendEscaped(BlankLine);
                    }

                    _join.Append(text);
                }

                index++;
            }
        }

        private static JsonElement RequireText(JsonElement block, string path)
        {
            if (block.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"{path}: must be an object");
            }

            if (!block.TryGetProperty("type"u8, out var type) || !type.ValueEquals("text"u8))
            {
                throw Invalid($"{path}.type: must be 'text'");
            }

            if (!block.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{path}.text: must be a string");
            }

            return text;
        }

        private static string BlockType(JsonElement block, string path)
        {
            if (block.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"{path}: must be an object");
            }

            if (!block.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{path}.type: required");
            }

            return type.GetString()!;
        }

        private static JsonElement RequireProperty(JsonElement obj, string name, JsonValueKind kind, string path)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind != kind)
            {
                throw Invalid($"{path}.{name}: must be {KindName(kind)}");
            }

            return value;
        }

        private static string KindName(JsonValueKind kind) => kind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => kind.ToString().ToLowerInvariant(),
        };

        // ---- user -----------------------------------------------------------------------------

        private void WriteUserMessage(Utf8JsonWriter writer, JsonElement content, string path)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "user"u8);
                writer.WritePropertyName("content"u8);
                WriteRaw(writer, content);
                writer.WriteEndObject();
                return;
            }

            // Pass 1: tool results first, as role tool messages right after the assistant's tool_calls.
            var otherParts = 0;
            var toolAttachments = 0;
            var index = 0;
            foreach (var block in content.EnumerateArray())
            {
                var blockPath = $"{path}.content.{index}";
                var type = BlockType(block, blockPath);
                if (type == "tool_result")
                {
                    toolAttachments += WriteToolMessage(writer, block, blockPath);
                }
                else if (type is not ("thinking" or "redacted_thinking"))
                {
                    otherParts++;
                }

                index++;
            }

            if (otherParts == 0 && toolAttachments == 0)
            {
                return;
            }

            // Pass 2: one user message: tool-result attachments, then the user's own parts.
            writer.WriteStartObject();
            writer.WriteString("role"u8, "user"u8);
            writer.WriteStartArray("content"u8);
            if (toolAttachments > 0)
            {
                index = 0;
                foreach (var block in content.EnumerateArray())
                {
                    if (block.GetProperty("type"u8).ValueEquals("tool_result"u8)
                        && block.TryGetProperty("content"u8, out var resultContent)
                        && resultContent.ValueKind == JsonValueKind.Array)
                    {
                        var resultPath = $"{path}.content.{index}.content";
                        var partIndex = 0;
                        foreach (var part in resultContent.EnumerateArray())
                        {
                            var partType = part.GetProperty("type"u8);
                            if (partType.ValueEquals("image"u8))
                            {
                                WriteImagePart(writer, part, $"{resultPath}.{partIndex}");
                            }
                            else if (partType.ValueEquals("document"u8))
                            {
                                WriteDocumentParts(writer, part, $"{resultPath}.{partIndex}");
                            }

                            partIndex++;
                        }
                    }

                    index++;
                }
            }

            index = 0;
            foreach (var block in content.EnumerateArray())
            {
                var blockPath = $"{path}.content.{index}";
                switch (block.GetProperty("type"u8).GetString())
                {
                    case "text":
                        WriteTextPart(writer, block, blockPath);
                        break;
                    case "image":
                        WriteImagePart(writer, block, blockPath);
                        break;
                    case "document":
                        WriteDocumentParts(writer, block, blockPath);
                        break;
                    case "tool_result" or "thinking" or "redacted_thinking":
                        break;
                    case "tool_use" or "server_tool_use" or "web_search_tool_result" or "web_fetch_tool_result"
                        or "code_execution_tool_result" or "mcp_tool_use" or "mcp_tool_result"
                        or "container_upload" or "search_result":
                        throw Invalid($"{blockPath}: content block type '{block.GetProperty("type"u8).GetString()}' is not supported in a user message for this deployment");
                    default:
                        throw Invalid($"{blockPath}: unknown content block type '{block.GetProperty("type"u8).GetString()}'");
                }

                index++;
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        /// <summary>Writes one role tool message; returns the number of attachments (images, documents) left for the user message.</summary>
        private int WriteToolMessage(Utf8JsonWriter writer, JsonElement block, string path)
        {
            var clientId = RequireProperty(block, "tool_use_id", JsonValueKind.String, path).GetString()!;
            if (!_pendingToolIds.Remove(clientId))
            {
                throw Invalid($"{path}.tool_use_id: no tool_use with id '{clientId}' in the previous assistant message");
            }

            var isError = block.TryGetProperty("is_error"u8, out var isErrorElement) && isErrorElement.ValueKind == JsonValueKind.True;
            var builder = _join;
            builder.Begin();
            if (isError)
            {
                builder.AppendEscaped(ToolErrorMarker);
            }

            var attachments = 0;
            if (block.TryGetProperty("content"u8, out var content))
            {
                switch (content.ValueKind)
                {
                    case JsonValueKind.String:
                        builder.Append(content);
                        break;
                    case JsonValueKind.Array:
                        var index = 0;
                        var texts = 0;
                        foreach (var part in content.EnumerateArray())
                        {
                            var partPath = $"{path}.content.{index}";
                            switch (BlockType(part, partPath))
                            {
                                case "text":
                                    if (texts++ > 0)
                                    {
                                        builder.AppendEscaped(NewLine);
                                    }

                                    builder.Append(RequireProperty(part, "text", JsonValueKind.String, partPath));
                                    break;
                                case "image" or "document":
                                    attachments++;
                                    break;
                                case "search_result" or "tool_reference":
                                    throw Invalid($"{partPath}: content block type '{part.GetProperty("type"u8).GetString()}' is not supported in a tool_result for this deployment");
                                default:
                                    throw Invalid($"{partPath}: unknown content block type '{part.GetProperty("type"u8).GetString()}'");
                            }

                            index++;
                        }

                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        throw Invalid($"{path}.content: must be a string or an array of content blocks");
                }
            }

            if (attachments > 0)
            {
                // OpenAI tool messages carry text only: the images/documents follow in a user message.
                if (builder.Length > (isError ? ToolErrorMarker.Length : 0))
                {
                    builder.AppendEscaped(NewLine);
                }

                builder.AppendEscaped(ToolAttachmentNote);
            }

            writer.WriteStartObject();
            writer.WriteString("role"u8, "tool"u8);
            writer.WriteString("tool_call_id"u8, ToolCallIds.ToUpstream(clientId));
            writer.WritePropertyName("content"u8);
            builder.WriteTo(writer);
            writer.WriteEndObject();
            return attachments;
        }

        private static void WriteTextPart(Utf8JsonWriter writer, JsonElement block, string path)
        {
            var text = RequireProperty(block, "text", JsonValueKind.String, path);
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WritePropertyName("text"u8);
            WriteRaw(writer, text);
            writer.WriteEndObject();
        }

        private void WriteImagePart(Utf8JsonWriter writer, JsonElement block, string path)
        {
            var source = RequireProperty(block, "source", JsonValueKind.Object, path);
            var sourcePath = path + ".source";
            var sourceType = RequireProperty(source, "type", JsonValueKind.String, sourcePath);
            writer.WriteStartObject();
            writer.WriteString("type"u8, "image_url"u8);
            writer.WriteStartObject("image_url"u8);
            if (sourceType.ValueEquals("base64"u8))
            {
                WriteDataUrl(writer, "url"u8, source, sourcePath);
            }
            else if (sourceType.ValueEquals("url"u8))
            {
                writer.WritePropertyName("url"u8);
                WriteRaw(writer, RequireProperty(source, "url", JsonValueKind.String, sourcePath));
            }
            else
            {
                throw Invalid($"{sourcePath}.type: image source '{sourceType.GetString()}' is not supported for this deployment (use base64 or url)");
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        /// <summary><c>data:{media_type};base64,{data}</c>, copied from the raw JSON (images can be megabytes).</summary>
        private void WriteDataUrl(Utf8JsonWriter writer, ReadOnlySpan<byte> propertyName, JsonElement source, string path)
        {
            var mediaType = RequireProperty(source, "media_type", JsonValueKind.String, path);
            var data = RequireProperty(source, "data", JsonValueKind.String, path);
            _join.Begin();
            _join.AppendEscaped("data:"u8);
            _join.Append(mediaType);
            _join.AppendEscaped(";base64,"u8);
            _join.Append(data);
            writer.WritePropertyName(propertyName);
            _join.WriteTo(writer);
        }

        private void WriteDocumentParts(Utf8JsonWriter writer, JsonElement block, string path)
        {
            var source = RequireProperty(block, "source", JsonValueKind.Object, path);
            var sourcePath = path + ".source";
            var sourceType = RequireProperty(source, "type", JsonValueKind.String, sourcePath);
            string? title = block.TryGetProperty("title"u8, out var titleElement) && titleElement.ValueKind == JsonValueKind.String
                ? titleElement.GetString()
                : null;

            if (sourceType.ValueEquals("base64"u8))
            {
                // PDF (or other binary document): OpenAI's file content part with inline data.
                var mediaType = RequireProperty(source, "media_type", JsonValueKind.String, sourcePath).GetString();
                writer.WriteStartObject();
                writer.WriteString("type"u8, "file"u8);
                writer.WriteStartObject("file"u8);
                writer.WriteString("filename"u8, FileName(title, mediaType));
                WriteDataUrl(writer, "file_data"u8, source, sourcePath);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else if (sourceType.ValueEquals("text"u8))
            {
                var data = RequireProperty(source, "data", JsonValueKind.String, sourcePath).GetString();
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("text"u8, title is null ? data : string.Concat(title, "\n\n", data));
                writer.WriteEndObject();
            }
            else if (sourceType.ValueEquals("content"u8))
            {
                var content = source.TryGetProperty("content"u8, out var c) ? c : default;
                if (content.ValueKind == JsonValueKind.String)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "text"u8);
                    writer.WritePropertyName("text"u8);
                    WriteRaw(writer, content);
                    writer.WriteEndObject();
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var part in content.EnumerateArray())
                    {
                        var partPath = $"{sourcePath}.content.{index}";
                        switch (BlockType(part, partPath))
                        {
                            case "text": WriteTextPart(writer, part, partPath); break;
                            case "image": WriteImagePart(writer, part, partPath); break;
                            default: throw Invalid($"{partPath}: unknown content block type '{part.GetProperty("type"u8).GetString()}'");
                        }

                        index++;
                    }
                }
                else
                {
                    throw Invalid($"{sourcePath}.content: must be a string or an array of content blocks");
                }
            }
            else
            {
                throw Invalid($"{sourcePath}.type: document source '{sourceType.GetString()}' is not supported for this deployment (use base64, text or content)");
            }
        }

        private static string FileName(string? title, string? mediaType)
        {
            if (!string.IsNullOrWhiteSpace(title))
            {
                return title;
            }

            return mediaType == "application/pdf" ? "document.pdf" : "document";
        }

        // ---- assistant ------------------------------------------------------------------------

        private void WriteAssistantMessage(Utf8JsonWriter writer, JsonElement content, string path)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "assistant"u8);
                writer.WritePropertyName("content"u8);
                WriteRaw(writer, content);
                writer.WriteEndObject();
                return;
            }

            var builder = _join;
            builder.Begin();
            var texts = 0;
            var toolUses = 0;
            var index = 0;
            foreach (var block in content.EnumerateArray())
            {
                var blockPath = $"{path}.content.{index}";
                switch (BlockType(block, blockPath))
                {
                    case "text":
                        if (texts++ > 0)
                        {
                            builder.AppendEscaped(BlankLine);
                        }

                        builder.Append(RequireProperty(block, "text", JsonValueKind.String, blockPath));
                        break;
                    case "tool_use":
                        toolUses++;
                        break;
                    case "thinking" or "redacted_thinking":
                        // Signed Anthropic reasoning: meaningless to (and rejected by) OpenAI targets.
                        break;
                    case "server_tool_use" or "web_search_tool_result" or "web_fetch_tool_result"
                        or "code_execution_tool_result" or "mcp_tool_use" or "mcp_tool_result" or "container_upload":
                        throw Invalid($"{blockPath}: content block type '{block.GetProperty("type"u8).GetString()}' is not supported for this deployment");
                    default:
                        throw Invalid($"{blockPath}: unknown content block type '{block.GetProperty("type"u8).GetString()}'");
                }

                index++;
            }

            if (texts == 0 && toolUses == 0)
            {
                return; // only thinking: nothing OpenAI can use.
            }

            writer.WriteStartObject();
            writer.WriteString("role"u8, "assistant"u8);
            if (texts > 0)
            {
                writer.WritePropertyName("content"u8);
                builder.WriteTo(writer);
            }
            else
            {
                writer.WriteNull("content"u8);
            }

            if (toolUses > 0)
            {
                writer.WriteStartArray("tool_calls"u8);
                index = 0;
                foreach (var block in content.EnumerateArray())
                {
                    if (block.GetProperty("type"u8).ValueEquals("tool_use"u8))
                    {
                        WriteToolCall(writer, block, $"{path}.content.{index}");
                    }

                    index++;
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        private void WriteToolCall(Utf8JsonWriter writer, JsonElement block, string path)
        {
            var id = RequireProperty(block, "id", JsonValueKind.String, path).GetString()!;
            var name = RequireProperty(block, "name", JsonValueKind.String, path).GetString()!;
            if (name.Length == 0)
            {
                throw Invalid($"{path}.name: must be a non-empty string");
            }

            var input = RequireProperty(block, "input", JsonValueKind.Object, path);
            _pendingToolIds.Add(id);

            writer.WriteStartObject();
            writer.WriteString("id"u8, ToolCallIds.ToUpstream(id));
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, _names.ToUpstream(name));
            writer.WriteString("arguments"u8, CompactJson(input));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        private ReadOnlySpan<byte> CompactJson(JsonElement value)
        {
            var scratch = _scratch ??= new ArrayBufferWriter<byte>(256);
            scratch.ResetWrittenCount();
            using (var inner = new Utf8JsonWriter(scratch, TranslationJson.WriterOptions))
            {
                value.WriteTo(inner);
            }

            return scratch.WrittenSpan;
        }

        // ---- top-level parameters -------------------------------------------------------------

        private void WriteSampling(Utf8JsonWriter writer, JsonElement temperature, JsonElement topP)
        {
            if (temperature.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (temperature.ValueKind != JsonValueKind.Number)
                {
                    throw Invalid("temperature: must be a number");
                }

                Emit(writer, "temperature", temperature);
            }

            if (topP.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (topP.ValueKind != JsonValueKind.Number)
                {
                    throw Invalid("top_p: must be a number");
                }

                Emit(writer, "top_p", topP);
            }
        }

        private List<string> WriteStop(Utf8JsonWriter writer, JsonElement stopSequences)
        {
            if (stopSequences.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return [];
            }

            if (stopSequences.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("stop_sequences: must be an array of strings");
            }

            var stops = new List<string>(stopSequences.GetArrayLength());
            var index = 0;
            foreach (var stop in stopSequences.EnumerateArray())
            {
                if (stop.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"stop_sequences.{index}: must be a string");
                }

                stops.Add(stop.GetString()!);
                index++;
            }

            if (stops.Count > 0 && !target.IsReasoningModel && Allowed("stop") && _written.Add("stop"))
            {
                writer.WriteStartArray("stop"u8);
                for (var i = 0; i < stops.Count && i < MaxStopSequences; i++)
                {
                    writer.WriteStringValue(stops[i]);
                }

                writer.WriteEndArray();
            }

            return stops;
        }

        private void WriteUser(Utf8JsonWriter writer, JsonElement metadata)
        {
            if (metadata.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return;
            }

            if (metadata.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("metadata: must be an object");
            }

            if (!metadata.TryGetProperty("user_id"u8, out var userId) || userId.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (userId.ValueKind != JsonValueKind.String)
            {
                throw Invalid("metadata.user_id: must be a string");
            }

            var value = userId.GetString()!;
            if (value.Length == 0 || !Allowed("user") || !_written.Add("user"))
            {
                return;
            }

            writer.WriteString("user"u8, value.Length <= MaxUserLength ? value : HashUser(value));
        }

        /// <summary><c>sha256:</c> plus the hex digest, cut to 64 characters.</summary>
        internal static string HashUser(string value)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
            return ("sha256:" + Convert.ToHexStringLower(hash))[..MaxUserLength];
        }

        private List<string> WriteTools(Utf8JsonWriter writer, JsonElement tools, JsonElement toolChoice)
        {
            var dropped = new List<string>();
            var written = 0;
            if (tools.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (tools.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid("tools: must be an array");
                }

                var index = 0;
                foreach (var tool in tools.EnumerateArray())
                {
                    var path = $"tools.{index++}";
                    if (tool.ValueKind != JsonValueKind.Object)
                    {
                        throw Invalid($"{path}: must be an object");
                    }

                    if (tool.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
                        && !type.ValueEquals("custom"u8))
                    {
                        // Anthropic server tools (web_search_20250305, bash_20250124, ...) have no
                        // OpenAI function form: dropped and reported.
                        // Named in a header and a log line: the client chooses these strings, so keep them short.
                        var toolName = tool.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? Short(n.GetString()!) : "?";
                        dropped.Add($"{toolName} ({Short(type.GetString()!)})");
                        continue;
                    }

                    var name = RequireProperty(tool, "name", JsonValueKind.String, path).GetString()!;
                    if (name.Length == 0)
                    {
                        throw Invalid($"{path}.name: must be a non-empty string");
                    }

                    var schema = RequireProperty(tool, "input_schema", JsonValueKind.Object, path);
                    if (written++ == 0)
                    {
                        writer.WriteStartArray("tools"u8);
                    }

                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, _names.ToUpstream(name));
                    if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                    {
                        writer.WritePropertyName("description"u8);
                        WriteRaw(writer, description);
                    }

                    writer.WritePropertyName("parameters"u8);
                    WriteRaw(writer, schema);
                    if (tool.TryGetProperty("strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        writer.WriteBoolean("strict"u8, strict.ValueKind == JsonValueKind.True);
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                if (written > 0)
                {
                    writer.WriteEndArray();
                    _written.Add("tools");
                }
            }

            WriteToolChoice(writer, toolChoice, hasTools: written > 0);
            return dropped;
        }

        private void WriteToolChoice(Utf8JsonWriter writer, JsonElement toolChoice, bool hasTools)
        {
            if (toolChoice.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return;
            }

            if (toolChoice.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("tool_choice: must be an object");
            }

            var type = RequireProperty(toolChoice, "type", JsonValueKind.String, "tool_choice").GetString();
            string? name = null;
            var choice = type switch
            {
                "auto" => "auto",
                "any" => "required",
                "none" => "none",
                "tool" => null,
                _ => throw Invalid($"tool_choice.type: unknown value '{type}' (expected auto, any, tool or none)"),
            };
            if (type == "tool")
            {
                name = RequireProperty(toolChoice, "name", JsonValueKind.String, "tool_choice").GetString()!;
            }

            if (!hasTools)
            {
                return; // OpenAI rejects tool_choice and parallel_tool_calls without tools.
            }

            if (Allowed("tool_choice") && _written.Add("tool_choice"))
            {
                if (choice is not null)
                {
                    writer.WriteString("tool_choice"u8, choice);
                }
                else
                {
                    writer.WriteStartObject("tool_choice"u8);
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, _names.ToUpstream(name!));
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
            }

            if (toolChoice.TryGetProperty("disable_parallel_tool_use"u8, out var disable)
                && disable.ValueKind == JsonValueKind.True
                && type != "none"
                && Allowed("parallel_tool_calls") && _written.Add("parallel_tool_calls"))
            {
                writer.WriteBoolean("parallel_tool_calls"u8, false);
            }
        }

        private void WriteReasoningEffort(Utf8JsonWriter writer, JsonElement thinking, JsonElement outputConfig)
        {
            if (!target.IsReasoningModel)
            {
                return;
            }

            string? thinkingType = null;
            if (thinking.ValueKind == JsonValueKind.Object && thinking.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String)
            {
                thinkingType = t.GetString();
            }

            if (thinkingType == "disabled")
            {
                return;
            }

            string? effort = null;
            if (outputConfig.ValueKind == JsonValueKind.Object
                && outputConfig.TryGetProperty("effort"u8, out var e) && e.ValueKind == JsonValueKind.String)
            {
                effort = e.GetString() switch
                {
                    "low" => "low",
                    "medium" => "medium",
                    "high" or "max" => "high",
                    var other => throw Invalid($"output_config.effort: unknown value '{other}' (expected low, medium, high or max)"),
                };
            }

            if (effort is null && thinkingType == "enabled")
            {
                var budget = thinking.TryGetProperty("budget_tokens"u8, out var b) && b.TryGetInt32(out var value) ? value : 0;
                effort = budget switch
                {
                    < 4096 => "low",
                    < 16384 => "medium",
                    _ => "high",
                };
            }
            else if (effort is null && thinkingType == "adaptive")
            {
                effort = "medium";
            }

            if (effort is not null && Allowed("reasoning_effort") && _written.Add("reasoning_effort"))
            {
                writer.WriteString("reasoning_effort"u8, effort);
            }
        }

        private void WriteResponseFormat(Utf8JsonWriter writer, JsonElement outputConfig)
        {
            if (outputConfig.ValueKind != JsonValueKind.Object
                || !outputConfig.TryGetProperty("format"u8, out var format)
                || format.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (format.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("output_config.format: must be an object");
            }

            var type = RequireProperty(format, "type", JsonValueKind.String, "output_config.format");
            if (!type.ValueEquals("json_schema"u8))
            {
                throw Invalid($"output_config.format.type: unknown value '{type.GetString()}' (expected json_schema)");
            }

            var schema = RequireProperty(format, "schema", JsonValueKind.Object, "output_config.format");
            if (!Allowed("response_format") || !_written.Add("response_format"))
            {
                return;
            }

            writer.WriteStartObject("response_format"u8);
            writer.WriteString("type"u8, "json_schema"u8);
            writer.WriteStartObject("json_schema"u8);
            writer.WriteString("name"u8, "output"u8);
            writer.WritePropertyName("schema"u8);
            WriteRaw(writer, schema);
            writer.WriteBoolean("strict"u8, true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        private void WriteDefaults(Utf8JsonWriter writer)
        {
            foreach (var (key, value) in target.DefaultParams)
            {
                if (Array.IndexOf(ReservedKeys, key) >= 0)
                {
                    continue;
                }

                // max_tokens is always written under the deployment's own name.
                if (key is "max_tokens" or "max_completion_tokens")
                {
                    continue;
                }

                Emit(writer, key, value);
            }
        }
    }
}
