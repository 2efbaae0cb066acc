using Bridge.Gateway.Json;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

// The conversation: system text, then the messages in order.
public static partial class AnthropicToOpenAIRequest
{
    private sealed partial class State
    {
        // ---- messages -------------------------------------------------------------------------

        private void WriteMessages(Utf8JsonWriter writer, TapeElement system, TapeElement messages)
        {
            writer.WriteStartArray("messages"u8);
            _written.Add("messages");
            WriteTopLevelSystem(writer, system);

            List<TapeElement>? deferredSystem = null;
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

        private void WriteTopLevelSystem(Utf8JsonWriter writer, TapeElement system)
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

        private void ValidateSystemContent(TapeElement content, string path)
        {
            if (content.ValueKind == JsonValueKind.Array)
            {
                JoinTextBlocks(content, path + ".content", skipBillingHeader: false);
            }
        }

        private void WriteSystemMessage(Utf8JsonWriter writer, TapeElement content, string path)
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
        private void JoinTextBlocks(TapeElement blocks, string path, bool skipBillingHeader)
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

        private static TapeElement RequireText(TapeElement block, string path)
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

        private static string BlockType(TapeElement block, string path)
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

        private static TapeElement RequireProperty(TapeElement obj, string name, JsonValueKind kind, string path)
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
    }
}
