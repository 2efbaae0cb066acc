using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

// Assistant turns: text and tool_use blocks as one assistant message with tool_calls.
public static partial class AnthropicToOpenAIRequest
{
    private sealed partial class State
    {
        // ---- assistant ------------------------------------------------------------------------

        private void WriteAssistantMessage(Utf8JsonWriter writer, TapeElement content, string path)
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

        private void WriteToolCall(Utf8JsonWriter writer, TapeElement block, string path)
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

        private ReadOnlySpan<byte> CompactJson(TapeElement value)
        {
            var scratch = _scratch ??= new ArrayBufferWriter<byte>(256);
            scratch.ResetWrittenCount();
            using (var inner = new Utf8JsonWriter(scratch, TranslationJson.WriterOptions))
            {
                value.WriteTo(inner);
            }

            return scratch.WrittenSpan;
        }
    }
}
