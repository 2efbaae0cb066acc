using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

// Assistant turns: text, then tool calls as tool_use blocks.
public static partial class ChatRequestToMessages
{
    private sealed partial class State
    {
        // ---- assistant turn -------------------------------------------------------------------

        private void WriteAssistantTurn(Utf8JsonWriter writer, TapeElement[] list, TurnRole[] roles, int start, int end)
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
                            if (!content.IsEmptyString)
                            {
                                WriteTextBlock(writer, content, ControlFor(i, -1));
                            }

                            break;
                        case JsonValueKind.Array:
                            WriteAssistantParts(writer, content, path, i);
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
                        WriteToolUse(writer, call, $"messages[{i}].tool_calls[{j}]", ToolCallControl(i, j));
                        j++;
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

        private void WriteAssistantParts(Utf8JsonWriter writer, TapeElement content, string path, int message)
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

                    if (!refusal.IsEmptyString)
                    {
                        WriteTextBlock(writer, refusal, ControlFor(message, j - 1, part));
                    }

                    continue;
                }

                var text = RequireTextPart(part, partPath);
                if (!text.IsEmptyString)
                {
                    WriteTextBlock(writer, text, ControlFor(message, j - 1, part));
                }
            }
        }

        private void WriteToolUse(Utf8JsonWriter writer, TapeElement call, string path, TapeElement cacheControl)
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

            if (!function.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String || name.IsEmptyString)
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

            WriteControl(writer, cacheControl);
            writer.WriteEndObject();
        }
    }
}
