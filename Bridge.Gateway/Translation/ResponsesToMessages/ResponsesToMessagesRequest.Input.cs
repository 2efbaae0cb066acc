using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Gateway.Translation.ResponsesToMessages;

// instructions and input items -> system and messages.
public static partial class ResponsesToMessagesRequest
{
    private enum Role
    {
        Skip,
        Unknown,
        System,
        User,
        Assistant,
    }

    private sealed partial class State
    {
        private static Role RoleOf(TapeElement item)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return Role.Skip;
            }

            var type = item.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            switch (type)
            {
                case null or "message":
                    if (!item.TryGetProperty("role"u8, out var role) || role.ValueKind != JsonValueKind.String)
                    {
                        return Role.Skip;
                    }

                    return role.GetString() switch
                    {
                        "user" => Role.User,
                        "assistant" => Role.Assistant,
                        "system" or "developer" => Role.System,
                        _ => Role.Skip,
                    };
                case "function_call" or "custom_tool_call":
                    return Role.Assistant;
                case "function_call_output" or "custom_tool_call_output":
                    return Role.User;
                case "reasoning":
                    return ThinkingCarrier(item) is null ? Role.Skip : Role.Assistant;
                case "web_search_call" or "file_search_call" or "tool_search_call" or "tool_search_output" or "code_interpreter_call"
                    or "image_generation_call" or "mcp_list_tools" or "mcp_call":
                    // Records of hosted tools (a Responses deployment earlier in the conversation): the text after them carries their result.
                    return Role.Skip;
                default:
                    return Role.Unknown;
            }
        }

        /// <summary>The <c>encrypted_content</c> of a reasoning item that carries an Anthropic block, else null.</summary>
        private static string? ThinkingCarrier(TapeElement item) =>
            item.TryGetProperty("encrypted_content"u8, out var enc) && enc.ValueKind == JsonValueKind.String
            && enc.GetString() is { } value
            && (value.StartsWith(AnthropicThinkingItem.ThinkingPrefix, StringComparison.Ordinal)
                || value.StartsWith(AnthropicThinkingItem.RedactedPrefix, StringComparison.Ordinal))
                ? value
                : null;

        // ---- system ------------------------------------------------------------------------------

        private void WriteSystem(Utf8JsonWriter writer, TapeElement instructions, TapeElement input)
        {
            if (!IsAbsent(instructions))
            {
                if (instructions.ValueKind != JsonValueKind.String)
                {
                    throw WrongType("instructions", "a string");
                }

                WriteSystemText(writer, instructions, ControlFor(-1, -1));
            }

            if (input.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in input.EnumerateArray())
                {
                    if (RoleOf(item) == Role.System)
                    {
                        var at = i;
                        ForEachText(item, $"input[{i}]", (text, part) => WriteSystemText(writer, text, ControlFor(at, part)));
                    }

                    i++;
                }
            }

            if (_systemStarted)
            {
                writer.WriteEndArray();
            }
        }

        /// <summary>Called with each text and its part index (-1: the content is a string).</summary>
        private delegate void TextAction(TapeElement text, int part);

        /// <summary>The text of a system/developer message item: a string or input_text parts.</summary>
        private static void ForEachText(TapeElement item, string path, TextAction action)
        {
            if (!item.TryGetProperty("content"u8, out var content) || content.ValueKind == JsonValueKind.String)
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    action(content, -1);
                }

                return;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                throw WrongType($"{path}.content", "a string or an array");
            }

            var j = 0;
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    action(text, j);
                }

                j++;
            }
        }

        private void WriteSystemText(Utf8JsonWriter writer, TapeElement text, TapeElement cacheControl)
        {
            if (text.IsEmptyString)
            {
                return; // Anthropic rejects empty text blocks.
            }

            if (!_systemStarted)
            {
                _systemStarted = true;
                writer.WriteStartArray("system"u8);
                _written.Add("system");
            }

            WriteTextBlock(writer, text, cacheControl);
        }

        private static void WriteTextBlock(Utf8JsonWriter writer, TapeElement text, TapeElement cacheControl = default)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WritePropertyName("text"u8);
            WriteRaw(writer, text);
            WriteControl(writer, cacheControl);
            writer.WriteEndObject();
        }

        private static void WriteStartText(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WriteString("text"u8, ConversationStartText);
            writer.WriteEndObject();
        }

        // ---- messages ----------------------------------------------------------------------------

        private void WriteMessages(Utf8JsonWriter writer, TapeElement input)
        {
            writer.WriteStartArray("messages"u8);
            _written.Add("messages");
            if (input.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "user"u8);
                writer.WriteStartArray("content"u8);
                if (!input.IsEmptyString)
                {
                    WriteTextBlock(writer, input, ControlFor(0, -1));
                }
                else
                {
                    WriteStartText(writer);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndArray();
                return;
            }

            var items = new TapeElement[input.GetArrayLength()];
            var roles = new Role[items.Length];
            var n = 0;
            foreach (var item in input.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw WrongType($"input[{n}]", "an object");
                }

                roles[n] = RoleOf(item);
                if (roles[n] == Role.Unknown)
                {
                    // item_reference (stored at OpenAI), local_shell_call, computer_call...: no Anthropic form, and
                    // dropping a call would leave its output unpaired.
                    throw Invalid($"input[{n}]", $"Invalid 'input[{n}]': item type '{TypeOf(item)}' is not supported for this deployment.");
                }

                items[n++] = item;
            }

            var turns = 0;
            var start = 0;
            while (start < n)
            {
                var role = roles[start];
                if (role is Role.Skip or Role.System or Role.Unknown)
                {
                    start++;
                    continue;
                }

                // A turn runs to the next item of the other conversational role; system and skipped items do not split it.
                var end = start + 1;
                while (end < n && roles[end] != (role == Role.User ? Role.Assistant : Role.User))
                {
                    end++;
                }

                if (turns++ == 0 && role == Role.Assistant)
                {
                    // Anthropic's first message must use the user role.
                    writer.WriteStartObject();
                    writer.WriteString("role"u8, "user"u8);
                    writer.WriteStartArray("content"u8);
                    WriteStartText(writer);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    turns++;
                }

                writer.WriteStartObject();
                writer.WriteString("role"u8, role == Role.User ? "user"u8 : "assistant"u8);
                writer.WriteStartArray("content"u8);
                var blocks = role == Role.User
                    ? WriteUserTurn(writer, items, roles, start, end)
                    : WriteAssistantTurn(writer, items, roles, start, end);
                if (blocks == 0)
                {
                    WriteStartText(writer); // Anthropic rejects empty content.
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                start = end;
            }

            if (turns == 0)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "user"u8);
                writer.WriteStartArray("content"u8);
                WriteStartText(writer);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        private static string TypeOf(TapeElement item) =>
            item.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "message";

        private static TapeElement CallId(TapeElement item, string path)
        {
            if (!item.TryGetProperty("call_id"u8, out var callId) || callId.ValueKind != JsonValueKind.String || callId.IsEmptyString)
            {
                throw WrongType($"{path}.call_id", "a non-empty string");
            }

            return callId;
        }

        /// <summary>Tool results first (Anthropic requires them at the start of the turn), then the user's content in order.</summary>
        private int WriteUserTurn(Utf8JsonWriter writer, TapeElement[] items, Role[] roles, int start, int end)
        {
            var blocks = 0;
            for (var i = start; i < end; i++)
            {
                if (roles[i] != Role.User || TypeOf(items[i]) == "message")
                {
                    continue;
                }

                var item = items[i];
                var path = $"input[{i}]";
                writer.WriteStartObject();
                writer.WriteString("type"u8, "tool_result"u8);
                writer.WriteString("tool_use_id"u8, ToolCallIds.ToAnthropic(CallId(item, path).GetString()!));
                if (item.TryGetProperty("output"u8, out var output))
                {
                    if (output.ValueKind == JsonValueKind.String)
                    {
                        if (!output.IsEmptyString)
                        {
                            writer.WritePropertyName("content"u8);
                            WriteRaw(writer, output);
                        }
                    }
                    else if (output.ValueKind == JsonValueKind.Array)
                    {
                        writer.WriteStartArray("content"u8);
                        var j = 0;
                        foreach (var part in output.EnumerateArray())
                        {
                            WriteContentPart(writer, part, $"{path}.output[{j++}]");
                        }

                        writer.WriteEndArray();
                    }
                    else if (!IsAbsent(output))
                    {
                        throw WrongType($"{path}.output", "a string or an array");
                    }
                }

                WriteControl(writer, ControlFor(i, -1));
                writer.WriteEndObject();
                blocks++;
            }

            for (var i = start; i < end; i++)
            {
                if (roles[i] == Role.User && TypeOf(items[i]) == "message")
                {
                    blocks += WriteMessageContent(writer, items[i], $"input[{i}]", i);
                }
            }

            return blocks;
        }

        /// <summary>
        /// Blocks in item order: Codex keeps the items of an answer in the order the stream gave them, which is
        /// Anthropic's block order (thinking first, interleaved thinking between tool calls), and Anthropic wants
        /// its blocks back as they were.
        /// </summary>
        private int WriteAssistantTurn(Utf8JsonWriter writer, TapeElement[] items, Role[] roles, int start, int end)
        {
            var blocks = 0;
            var thinking = false;
            var toolUse = false;
            for (var i = start; i < end; i++)
            {
                if (roles[i] != Role.Assistant)
                {
                    continue;
                }

                var item = items[i];
                var path = $"input[{i}]";
                switch (TypeOf(item))
                {
                    case "reasoning":
                        WriteThinking(writer, item, ThinkingCarrier(item)!);
                        thinking = true;
                        blocks++;
                        break;
                    case "message":
                        blocks += WriteMessageContent(writer, item, path, i);
                        break;
                    case "function_call":
                        WriteToolUse(writer, item, path, custom: false, ControlFor(i, -1));
                        toolUse = true;
                        blocks++;
                        break;
                    case "custom_tool_call":
                        WriteToolUse(writer, item, path, custom: true, ControlFor(i, -1));
                        toolUse = true;
                        blocks++;
                        break;
                }
            }

            _lastAssistantNeedsThinking = toolUse && !thinking;
            return blocks;
        }

        private static void WriteThinking(Utf8JsonWriter writer, TapeElement item, string carrier)
        {
            writer.WriteStartObject();
            if (carrier.StartsWith(AnthropicThinkingItem.RedactedPrefix, StringComparison.Ordinal))
            {
                writer.WriteString("type"u8, "redacted_thinking"u8);
                writer.WriteString("data"u8, carrier.AsSpan(AnthropicThinkingItem.RedactedPrefix.Length));
                writer.WriteEndObject();
                return;
            }

            // The signature covers the thinking text: it is the summary Bridge wrote, sent back unchanged.
            var text = "";
            if (item.TryGetProperty("summary"u8, out var summary) && summary.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in summary.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text"u8, out var t) && t.ValueKind == JsonValueKind.String)
                    {
                        text += t.GetString();
                    }
                }
            }

            writer.WriteString("type"u8, "thinking"u8);
            writer.WriteString("thinking"u8, text);
            writer.WriteString("signature"u8, carrier.AsSpan(AnthropicThinkingItem.ThinkingPrefix.Length));
            writer.WriteEndObject();
        }

        private void WriteToolUse(Utf8JsonWriter writer, TapeElement item, string path, bool custom, TapeElement cacheControl)
        {
            var callId = CallId(item, path);
            if (!item.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String || name.IsEmptyString)
            {
                throw WrongType($"{path}.name", "a non-empty string");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "tool_use"u8);
            writer.WriteString("id"u8, ToolCallIds.ToAnthropic(callId.GetString()!));
            writer.WritePropertyName("name"u8);
            WriteRaw(writer, name);
            writer.WritePropertyName("input"u8);
            if (custom)
            {
                if (!item.TryGetProperty("input"u8, out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw WrongType($"{path}.input", "a string");
                }

                writer.WriteStartObject();
                writer.WritePropertyName(CustomToolInput.ParameterName);
                WriteRaw(writer, text);
                writer.WriteEndObject();
            }
            else
            {
                WriteArguments(writer, item, path);
            }

            WriteControl(writer, cacheControl);
            writer.WriteEndObject();
        }

        /// <summary>A function call's <c>arguments</c> string as the tool_use <c>input</c> object (empty: <c>{}</c>).</summary>
        private static void WriteArguments(Utf8JsonWriter writer, TapeElement item, string path)
        {
            if (!item.TryGetProperty("arguments"u8, out var arguments) || IsAbsent(arguments)
                || (arguments.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(arguments.GetString())))
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
                return;
            }

            if (arguments.ValueKind != JsonValueKind.String)
            {
                throw WrongType($"{path}.arguments", "a string");
            }

            try
            {
                using var document = JsonDocument.Parse(arguments.GetString()!);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"{path}.arguments", $"Invalid '{path}.arguments': expected a JSON object.");
                }

                document.RootElement.WriteTo(writer);
            }
            catch (JsonException)
            {
                throw Invalid($"{path}.arguments", $"Invalid '{path}.arguments': not valid JSON.");
            }
        }

        /// <summary>A user or assistant message item's content as Anthropic blocks; returns how many were written.</summary>
        private int WriteMessageContent(Utf8JsonWriter writer, TapeElement item, string path, int index)
        {
            if (!item.TryGetProperty("content"u8, out var content) || IsAbsent(content))
            {
                return 0;
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                if (content.IsEmptyString)
                {
                    return 0;
                }

                WriteTextBlock(writer, content, ControlFor(index, -1));
                return 1;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                throw WrongType($"{path}.content", "a string or an array");
            }

            var blocks = 0;
            var j = 0;
            foreach (var part in content.EnumerateArray())
            {
                blocks += WriteContentPart(writer, part, $"{path}.content[{j}]", ControlFor(index, j));
                j++;
            }

            return blocks;
        }

        /// <summary>One content part: text kinds become text blocks, <c>input_image</c> an image block.</summary>
        private int WriteContentPart(Utf8JsonWriter writer, TapeElement part, string path, TapeElement cacheControl = default)
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw WrongType($"{path}.type", "a string");
            }

            switch (type.GetString())
            {
                case "input_text" or "output_text" or "text" or "refusal":
                    var key = type.ValueEquals("refusal"u8) ? "refusal"u8 : "text"u8;
                    if (!part.TryGetProperty(key, out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        throw WrongType($"{path}.{(type.ValueEquals("refusal"u8) ? "refusal" : "text")}", "a string");
                    }

                    if (text.IsEmptyString)
                    {
                        return 0;
                    }

                    WriteTextBlock(writer, text, cacheControl);
                    return 1;
                case "input_image":
                    WriteImage(writer, part, path, cacheControl);
                    return 1;
                default:
                    throw Invalid($"{path}.type", $"Invalid value for '{path}.type': '{type.GetString()}' is not supported for this deployment.");
            }
        }

        private static void WriteImage(Utf8JsonWriter writer, TapeElement part, string path, TapeElement cacheControl)
        {
            if (!part.TryGetProperty("image_url"u8, out var url) || url.ValueKind != JsonValueKind.String || url.GetString() is not { Length: > 0 } value)
            {
                // file_id images name a file stored at OpenAI: nothing Anthropic can fetch.
                throw Invalid($"{path}.image_url", $"Invalid '{path}': only 'image_url' images are supported for this deployment.");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "image"u8);
            writer.WriteStartObject("source"u8);
            if (value.StartsWith("data:", StringComparison.Ordinal))
            {
                var comma = value.IndexOf(',', StringComparison.Ordinal);
                var header = comma > 5 ? value.AsSpan(5, comma - 5) : default;
                if (comma < 0 || !header.EndsWith(";base64"))
                {
                    throw Invalid($"{path}.image_url", $"Invalid '{path}.image_url': expected a base64 data URL.");
                }

                writer.WriteString("type"u8, "base64"u8);
                writer.WriteString("media_type"u8, header[..^";base64".Length]);
                writer.WriteString("data"u8, value.AsSpan(comma + 1));
            }
            else
            {
                writer.WriteString("type"u8, "url"u8);
                writer.WriteString("url"u8, value);
            }

            writer.WriteEndObject();
            WriteControl(writer, cacheControl);
            writer.WriteEndObject();
        }
    }
}
