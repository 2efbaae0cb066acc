using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Translation.ResponsesToChat;

// instructions and input items -> messages.
public static partial class ResponsesToChatRequest
{
    private static ReadOnlySpan<byte> ToolAttachmentNote => "[the tool output's images/files are attached in the next user message]"u8;

    // Records of calls that ran on OpenAI's side (hosted tools). A conversation moved here from a Responses
    // deployment may hold them; Chat has no form for them and the model's answer after them carries their
    // result, so they are left out.
    private static readonly string[] HostedCallItems =
    [
        "web_search_call", "file_search_call", "tool_search_call", "tool_search_output", "code_interpreter_call",
        "image_generation_call", "mcp_list_tools", "mcp_call",
    ];

    private sealed partial class State
    {
        // The assistant turn being collected: message contents and calls, written as one Chat message.
        private readonly List<TapeElement> _assistantContents = [];
        private readonly List<(TapeElement Item, bool Custom, string Path)> _calls = [];

        // Upstream ids of the written assistant message's calls that still await their output.
        private readonly List<string> _pendingCallIds = [];

        // Images and files from tool outputs, sent in a user message after the tool messages.
        private readonly List<(TapeElement Part, string Path)> _attachments = [];

        private void WriteMessages(Utf8JsonWriter writer, TapeElement instructions, TapeElement input)
        {
            writer.WriteStartArray("messages"u8);
            _written.Add("messages");

            if (instructions.ValueKind == JsonValueKind.String)
            {
                if (!instructions.ValueEquals(""u8))
                {
                    writer.WriteStartObject();
                    writer.WriteString("role"u8, SystemRole(developer: true));
                    writer.WritePropertyName("content"u8);
                    WriteRaw(writer, instructions);
                    writer.WriteEndObject();
                }
            }
            else if (instructions.ValueKind == JsonValueKind.Array)
            {
                WriteItems(writer, instructions, "instructions");
            }
            else if (!IsAbsent(instructions))
            {
                throw WrongType("instructions", "a string");
            }

            if (input.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "user"u8);
                writer.WritePropertyName("content"u8);
                WriteRaw(writer, input);
                writer.WriteEndObject();
            }
            else
            {
                WriteItems(writer, input, "input");
            }

            writer.WriteEndArray();
        }

        private void WriteItems(Utf8JsonWriter writer, TapeElement items, string name)
        {
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                var path = $"{name}[{index}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw WrongType(path, "an object");
                }

                string type;
                if (item.TryGetProperty("type"u8, out var typeElement) && typeElement.ValueKind == JsonValueKind.String)
                {
                    type = typeElement.GetString()!;
                }
                else if (item.TryGetProperty("role"u8, out _))
                {
                    type = "message"; // the short form {role, content}
                }
                else
                {
                    throw Invalid($"{path}.type", $"Missing required parameter: '{path}.type'.");
                }

                switch (type)
                {
                    case "message":
                        WriteMessageItem(writer, item, path);
                        break;
                    case "function_call" or "custom_tool_call":
                        RequireOutputsGiven(path);
                        FlushAttachments(writer);
                        _calls.Add((item, type == "custom_tool_call", path));
                        break;
                    case "function_call_output" or "custom_tool_call_output":
                        FlushAssistant(writer);
                        WriteToolOutput(writer, item, path);
                        break;
                    case "reasoning":
                        // Encrypted or summarised reasoning of an earlier turn: Chat Completions cannot take it back.
                        break;
                    default:
                        if (Array.IndexOf(HostedCallItems, type) >= 0)
                        {
                            break;
                        }

                        throw Invalid($"{path}.type", type == "item_reference"
                            ? $"Invalid '{path}': item references need stored responses, which this deployment does not have."
                            : $"Invalid value for '{path}.type': '{type}' is not supported for this deployment.");
                }

                index++;
            }

            FlushAssistant(writer);
            RequireOutputsGiven(name);
            FlushAttachments(writer);
        }

        private void WriteMessageItem(Utf8JsonWriter writer, TapeElement item, string path)
        {
            if (!item.TryGetProperty("role"u8, out var role) || role.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{path}.role", $"Missing required parameter: '{path}.role'.");
            }

            if (!item.TryGetProperty("content"u8, out var content) || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
            {
                throw WrongType($"{path}.content", "a string or an array of content parts");
            }

            if (role.ValueEquals("assistant"u8))
            {
                // Joins the calls that follow it into one assistant message.
                RequireOutputsGiven(path);
                FlushAttachments(writer);
                _assistantContents.Add(content);
                return;
            }

            var developer = role.ValueEquals("developer"u8);
            if (!developer && !role.ValueEquals("system"u8) && !role.ValueEquals("user"u8))
            {
                throw Invalid($"{path}.role", $"Invalid value for '{path}.role': '{role.GetString()}' (expected user, assistant, system or developer).");
            }

            FlushAssistant(writer);
            RequireOutputsGiven(path);
            FlushAttachments(writer);

            writer.WriteStartObject();
            if (role.ValueEquals("user"u8))
            {
                writer.WriteString("role"u8, "user"u8);
                writer.WritePropertyName("content"u8);
                if (content.ValueKind == JsonValueKind.String)
                {
                    WriteRaw(writer, content);
                }
                else
                {
                    writer.WriteStartArray();
                    var index = 0;
                    foreach (var part in content.EnumerateArray())
                    {
                        WriteUserPart(writer, part, $"{path}.content[{index++}]");
                    }

                    writer.WriteEndArray();
                }
            }
            else
            {
                writer.WriteString("role"u8, SystemRole(developer));
                writer.WritePropertyName("content"u8);
                if (content.ValueKind == JsonValueKind.String)
                {
                    WriteRaw(writer, content);
                }
                else
                {
                    // Chat system messages hold text only: the parts are joined.
                    _join.Begin();
                    var index = 0;
                    foreach (var part in content.EnumerateArray())
                    {
                        var text = RequireTextPart(part, $"{path}.content[{index++}]");
                        if (_join.Length > 0)
                        {
                            _join.AppendEscaped(BlankLine);
                        }

                        _join.Append(text);
                    }

                    _join.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        /// <summary>Reasoning deployments take <c>developer</c>; OpenAI-compatible servers may only know <c>system</c>.</summary>
        private ReadOnlySpan<byte> SystemRole(bool developer) =>
            developer && target.IsReasoningModel ? "developer"u8 : "system"u8;

        // ---- assistant turns ------------------------------------------------------------------

        /// <summary>Writes the collected assistant message, if any; its calls then await their outputs.</summary>
        private void FlushAssistant(Utf8JsonWriter writer)
        {
            if (_assistantContents.Count == 0 && _calls.Count == 0)
            {
                return;
            }

            _join.Begin();
            var messages = 0;
            foreach (var content in _assistantContents)
            {
                if (messages++ > 0 && _join.Length > 0)
                {
                    _join.AppendEscaped(BlankLine);
                }

                if (content.ValueKind == JsonValueKind.String)
                {
                    _join.Append(content);
                    continue;
                }

                foreach (var part in content.EnumerateArray())
                {
                    // Parts of one message are pieces of one text: concatenated as they are.
                    if (part.ValueKind == JsonValueKind.Object
                        && ((part.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String)
                            || (part.TryGetProperty("refusal"u8, out text) && text.ValueKind == JsonValueKind.String)))
                    {
                        _join.Append(text);
                    }
                }
            }

            if (_join.Length == 0 && _calls.Count == 0)
            {
                _assistantContents.Clear();
                return;
            }

            writer.WriteStartObject();
            writer.WriteString("role"u8, "assistant"u8);
            if (_join.Length > 0)
            {
                writer.WritePropertyName("content"u8);
                _join.WriteTo(writer);
            }
            else
            {
                writer.WriteNull("content"u8);
            }

            if (_calls.Count > 0)
            {
                writer.WriteStartArray("tool_calls"u8);
                foreach (var (item, custom, path) in _calls)
                {
                    WriteToolCall(writer, item, custom, path);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            _assistantContents.Clear();
            _calls.Clear();
        }

        private void WriteToolCall(Utf8JsonWriter writer, TapeElement item, bool custom, string path)
        {
            var callId = RequireString(item, "call_id", path);
            var name = RequireString(item, "name", path);
            if (callId.Length == 0 || name.Length == 0)
            {
                throw Invalid($"{path}.{(callId.Length == 0 ? "call_id" : "name")}", $"Invalid '{path}': empty call_id or name.");
            }

            var upstreamId = ToolCallIds.ToUpstream(callId);
            _pendingCallIds.Add(upstreamId);

            writer.WriteStartObject();
            writer.WriteString("id"u8, upstreamId);
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, _names.ToUpstream(name));
            if (custom)
            {
                if (!item.TryGetProperty("input"u8, out var input) || input.ValueKind != JsonValueKind.String)
                {
                    throw WrongType($"{path}.input", "a string");
                }

                writer.WriteString("arguments"u8, CustomToolInput.EncodeArguments(input));
            }
            else
            {
                if (!item.TryGetProperty("arguments"u8, out var arguments) || arguments.ValueKind != JsonValueKind.String)
                {
                    throw WrongType($"{path}.arguments", "a string");
                }

                writer.WritePropertyName("arguments"u8);
                WriteRaw(writer, arguments);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        /// <summary>Chat needs every call of an assistant message answered by the tool messages right after it.</summary>
        private void RequireOutputsGiven(string at)
        {
            if (_pendingCallIds.Count > 0)
            {
                throw Invalid(at, $"Invalid '{at}': no function_call_output before it for call_id {string.Join(", ", _pendingCallIds)}.");
            }
        }

        // ---- tool outputs ---------------------------------------------------------------------

        private void WriteToolOutput(Utf8JsonWriter writer, TapeElement item, string path)
        {
            var callId = RequireString(item, "call_id", path);
            var upstreamId = ToolCallIds.ToUpstream(callId);
            if (!_pendingCallIds.Remove(upstreamId))
            {
                throw Invalid($"{path}.call_id", $"No tool call found for {path}.call_id '{callId}'.");
            }

            if (!item.TryGetProperty("output"u8, out var output))
            {
                throw Invalid($"{path}.output", $"Missing required parameter: '{path}.output'.");
            }

            writer.WriteStartObject();
            writer.WriteString("role"u8, "tool"u8);
            writer.WriteString("tool_call_id"u8, upstreamId);
            writer.WritePropertyName("content"u8);
            if (output.ValueKind == JsonValueKind.String)
            {
                WriteRaw(writer, output);
            }
            else if (output.ValueKind == JsonValueKind.Array)
            {
                // Chat tool messages carry text only: text parts joined, images and files moved to a user message.
                _join.Begin();
                var attached = false;
                var index = 0;
                foreach (var part in output.EnumerateArray())
                {
                    var partPath = $"{path}.output[{index++}]";
                    var type = PartType(part, partPath);
                    if (type.ValueEquals("input_text"u8) || type.ValueEquals("output_text"u8))
                    {
                        if (_join.Length > 0)
                        {
                            _join.AppendEscaped(NewLine);
                        }

                        _join.Append(RequireTextPart(part, partPath));
                    }
                    else if (type.ValueEquals("input_image"u8) || type.ValueEquals("input_file"u8))
                    {
                        _attachments.Add((part, partPath));
                        attached = true;
                    }
                    else
                    {
                        throw Invalid($"{partPath}.type", $"Invalid value for '{partPath}.type': '{type.GetString()}'.");
                    }
                }

                if (attached)
                {
                    if (_join.Length > 0)
                    {
                        _join.AppendEscaped(NewLine);
                    }

                    _join.AppendEscaped(ToolAttachmentNote);
                }

                _join.WriteTo(writer);
            }
            else
            {
                throw WrongType($"{path}.output", "a string or an array of content parts");
            }

            writer.WriteEndObject();
        }

        private void FlushAttachments(Utf8JsonWriter writer)
        {
            if (_attachments.Count == 0)
            {
                return;
            }

            writer.WriteStartObject();
            writer.WriteString("role"u8, "user"u8);
            writer.WriteStartArray("content"u8);
            foreach (var (part, path) in _attachments)
            {
                WriteUserPart(writer, part, path);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            _attachments.Clear();
        }

        // ---- content parts --------------------------------------------------------------------

        private void WriteUserPart(Utf8JsonWriter writer, TapeElement part, string path)
        {
            var type = PartType(part, path);
            if (type.ValueEquals("input_text"u8) || type.ValueEquals("output_text"u8))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WritePropertyName("text"u8);
                WriteRaw(writer, RequireTextPart(part, path));
                writer.WriteEndObject();
            }
            else if (type.ValueEquals("input_image"u8))
            {
                if (!part.TryGetProperty("image_url"u8, out var url) || url.ValueKind != JsonValueKind.String)
                {
                    // A file_id points into OpenAI's file store, which a Chat deployment cannot read images from.
                    throw Invalid($"{path}.image_url", $"Invalid '{path}': only images given by image_url (an https or data URL) are supported for this deployment.");
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "image_url"u8);
                writer.WriteStartObject("image_url"u8);
                writer.WritePropertyName("url"u8);
                WriteRaw(writer, url);
                if (part.TryGetProperty("detail"u8, out var detail) && detail.ValueKind == JsonValueKind.String)
                {
                    writer.WritePropertyName("detail"u8);
                    WriteRaw(writer, detail);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else if (type.ValueEquals("input_file"u8))
            {
                var hasData = part.TryGetProperty("file_data"u8, out var data) && data.ValueKind == JsonValueKind.String;
                var hasId = part.TryGetProperty("file_id"u8, out var id) && id.ValueKind == JsonValueKind.String;
                if (!hasData && !hasId)
                {
                    throw Invalid(path, $"Invalid '{path}': only files given by file_data or file_id are supported for this deployment.");
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "file"u8);
                writer.WriteStartObject("file"u8);
                if (hasData)
                {
                    writer.WritePropertyName("file_data"u8);
                    WriteRaw(writer, data);
                }
                else
                {
                    writer.WritePropertyName("file_id"u8);
                    WriteRaw(writer, id);
                }

                if (part.TryGetProperty("filename"u8, out var filename) && filename.ValueKind == JsonValueKind.String)
                {
                    writer.WritePropertyName("filename"u8);
                    WriteRaw(writer, filename);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                throw Invalid($"{path}.type", $"Invalid value for '{path}.type': '{type.GetString()}' (expected input_text, input_image or input_file).");
            }
        }

        private static TapeElement PartType(TapeElement part, string path)
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(path, "an object");
            }

            if (!part.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{path}.type", $"Missing required parameter: '{path}.type'.");
            }

            return type;
        }

        private static TapeElement RequireTextPart(TapeElement part, string path)
        {
            var type = PartType(part, path);
            if (!(type.ValueEquals("input_text"u8) || type.ValueEquals("output_text"u8)))
            {
                throw Invalid($"{path}.type", $"Invalid value for '{path}.type': '{type.GetString()}' (only text is supported here).");
            }

            if (!part.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw WrongType($"{path}.text", "a string");
            }

            return text;
        }
    }
}
