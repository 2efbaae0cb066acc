using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

// The conversation: message classification, system blocks and the turns in order.
public static partial class ChatRequestToMessages
{
    private sealed partial class State
    {
        // ---- messages -------------------------------------------------------------------------

        private static TurnRole[] ClassifyMessages(TapeElement[] list)
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

        private static bool IsEmptyAssistant(TapeElement message, int index)
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
                    return content.IsEmptyString;
                case JsonValueKind.Array:
                    foreach (var part in content.EnumerateArray())
                    {
                        if (part.ValueKind != JsonValueKind.Object
                            || !part.TryGetProperty("type"u8, out var type)
                            || !(type.ValueEquals("text"u8) || type.ValueEquals("refusal"u8))
                            || !part.TryGetProperty(type.ValueEquals("text"u8) ? "text"u8 : "refusal"u8, out var text)
                            || text.ValueKind != JsonValueKind.String
                            || !text.IsEmptyString)
                        {
                            return false; // malformed parts are reported when the turn is written
                        }
                    }

                    return true;
                default:
                    return true;
            }
        }

        private void WriteSystem(Utf8JsonWriter writer, TapeElement[] list, TurnRole[] roles)
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
                    if (!content.IsEmptyString)
                    {
                        StartSystem(writer, ref started);
                        WriteTextBlock(writer, content, ControlFor(i, -1));
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
                    if (!text.IsEmptyString)
                    {
                        StartSystem(writer, ref started);
                        WriteTextBlock(writer, text, ControlFor(i, j - 1, part));
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

        private static TapeElement RequireTextPart(TapeElement part, string path)
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

        private static void WriteTextBlock(Utf8JsonWriter writer, TapeElement text, TapeElement cacheControl = default)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WritePropertyName("text"u8);
            WriteRaw(writer, text);
            WriteControl(writer, cacheControl);
            writer.WriteEndObject();
        }

        private void WriteMessages(Utf8JsonWriter writer, TapeElement[] list, TurnRole[] roles)
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
    }
}
