using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;

namespace Bridge.Gateway.Translation.ChatToResponses;

// The conversation: leading system/developer messages as instructions, then every message as input items, in order.
public static partial class ChatToResponsesRequest
{
    private sealed partial class State
    {
        private void WriteConversation(Utf8JsonWriter writer, TapeElement messages)
        {
            // The leading run of system/developer messages is the instructions.
            var leading = 0;
            _join.Begin();
            foreach (var message in messages.EnumerateArray())
            {
                var path = $"messages[{leading}]";
                if (Role(message, path) is not ("system" or "developer"))
                {
                    break;
                }

                if (_join.Length > 0)
                {
                    _join.AppendEscaped(BlankLine);
                }

                AppendText(RequireContent(message, path), path + ".content");
                leading++;
            }

            if (leading > 0 && _join.Length > 0)
            {
                writer.WritePropertyName("instructions"u8);
                _join.WriteTo(writer);
                _written.Add("instructions");
            }

            writer.WriteStartArray("input"u8);
            _written.Add("input");
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (index < leading)
                {
                    index++;
                    continue;
                }

                var path = $"messages[{index++}]";
                switch (Role(message, path))
                {
                    case var role when role is "system" or "developer":
                        WriteInstructionItem(writer, message, role, path);
                        break;
                    case "user":
                        WriteUserMessage(writer, message, path);
                        break;
                    case "assistant":
                        WriteAssistantMessage(writer, message, path);
                        break;
                    case "tool":
                        WriteToolOutput(writer, message, path);
                        break;
                    case "function":
                        throw Invalid($"{path}.role", $"Invalid value for '{path}.role': 'function' messages are deprecated and not supported; use 'tool'.");
                    case var other:
                        throw Invalid(
                            $"{path}.role",
                            $"Invalid value for '{path}.role': '{other}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
                }
            }

            writer.WriteEndArray();
        }

        private static string Role(TapeElement message, string path)
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(path, "an object");
            }

            if (!message.TryGetProperty("role"u8, out var role) || role.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{path}.role", $"Missing required parameter: '{path}.role'.");
            }

            return role.GetString()!;
        }

        private static TapeElement RequireContent(TapeElement message, string path)
        {
            if (!message.TryGetProperty("content"u8, out var content) || IsAbsent(content))
            {
                throw Invalid($"{path}.content", $"Missing required parameter: '{path}.content'.");
            }

            return content;
        }

        /// <summary>Appends a string content or the text parts of an array content to <see cref="_join"/> (parts joined as they are).</summary>
        private void AppendText(TapeElement content, string path)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                _join.Append(content);
                return;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                throw WrongType(path, "a string or an array of text parts");
            }

            var index = 0;
            foreach (var part in content.EnumerateArray())
            {
                var partPath = $"{path}[{index++}]";
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type"u8, out var type) || !type.ValueEquals("text"u8)
                    || !part.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw Invalid(partPath, $"Invalid content part '{partPath}': only text parts are allowed here.");
                }

                _join.Append(text);
            }
        }

        /// <summary>A system or developer message after the conversation started: an item of that role at its place.</summary>
        private void WriteInstructionItem(Utf8JsonWriter writer, TapeElement message, string role, string path)
        {
            _join.Begin();
            AppendText(RequireContent(message, path), path + ".content");
            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.Message);
            writer.WriteString("role"u8, role);
            writer.WritePropertyName("content"u8);
            _join.WriteTo(writer);
            writer.WriteEndObject();
        }

        private void WriteToolOutput(Utf8JsonWriter writer, TapeElement message, string path)
        {
            if (!message.TryGetProperty("tool_call_id"u8, out var callId) || callId.ValueKind != JsonValueKind.String || callId.ValueEquals(""u8))
            {
                throw Invalid($"{path}.tool_call_id", $"Missing required parameter: '{path}.tool_call_id'.");
            }

            _join.Begin();
            AppendText(RequireContent(message, path), path + ".content");
            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.FunctionCallOutput);
            writer.WritePropertyName("call_id"u8);
            WriteRaw(writer, callId);
            writer.WritePropertyName("output"u8);
            _join.WriteTo(writer);
            writer.WriteEndObject();
        }

        /// <summary>
        /// Assistant text (and refusal) as an assistant message item, then each tool call as a
        /// <c>function_call</c> (or <c>custom_tool_call</c>) item. <c>reasoning_content</c> is ignored: it
        /// carries no encrypted reasoning the upstream could take back.
        /// </summary>
        private void WriteAssistantMessage(Utf8JsonWriter writer, TapeElement message, string path)
        {
            var hasContent = message.TryGetProperty("content"u8, out var content) && !IsAbsent(content)
                && !(content.ValueKind == JsonValueKind.String && content.ValueEquals(""u8));
            var hasRefusal = message.TryGetProperty("refusal"u8, out var refusal) && refusal.ValueKind == JsonValueKind.String;
            if (hasContent || hasRefusal)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, ResponsesItemTypes.Message);
                writer.WriteString("role"u8, "assistant"u8);
                writer.WriteStartArray("content"u8);
                if (hasContent)
                {
                    WriteAssistantParts(writer, content, path + ".content");
                }

                if (hasRefusal)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, ResponsesItemTypes.Refusal);
                    writer.WritePropertyName("refusal"u8);
                    WriteRaw(writer, refusal);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            if (!message.TryGetProperty("tool_calls"u8, out var toolCalls) || IsAbsent(toolCalls))
            {
                return;
            }

            if (toolCalls.ValueKind != JsonValueKind.Array)
            {
                throw WrongType($"{path}.tool_calls", "an array");
            }

            var index = 0;
            foreach (var call in toolCalls.EnumerateArray())
            {
                WriteToolCall(writer, call, $"{path}.tool_calls[{index++}]");
            }
        }

        private static void WriteAssistantParts(Utf8JsonWriter writer, TapeElement content, string path)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                WriteTextPart(writer, ResponsesItemTypes.OutputText, content);
                return;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                throw WrongType(path, "a string or an array of text parts");
            }

            var index = 0;
            foreach (var part in content.EnumerateArray())
            {
                var partPath = $"{path}[{index++}]";
                var type = PartType(part, partPath);
                if (type == "text" && part.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    WriteTextPart(writer, ResponsesItemTypes.OutputText, text);
                }
                else if (type == "refusal" && part.TryGetProperty("refusal"u8, out var refusal) && refusal.ValueKind == JsonValueKind.String)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, ResponsesItemTypes.Refusal);
                    writer.WritePropertyName("refusal"u8);
                    WriteRaw(writer, refusal);
                    writer.WriteEndObject();
                }
                else
                {
                    throw Invalid(partPath, $"Invalid content part '{partPath}': assistant messages take text and refusal parts.");
                }
            }
        }

        private static void WriteToolCall(Utf8JsonWriter writer, TapeElement call, string path)
        {
            if (call.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(path, "an object");
            }

            if (!call.TryGetProperty("id"u8, out var id) || id.ValueKind != JsonValueKind.String || id.ValueEquals(""u8))
            {
                throw Invalid($"{path}.id", $"Missing required parameter: '{path}.id'.");
            }

            var custom = call.TryGetProperty("type"u8, out var type) && type.ValueEquals("custom"u8);
            var bodyName = custom ? "custom" : "function";
            if (!call.TryGetProperty(bodyName, out var body) || body.ValueKind != JsonValueKind.Object)
            {
                throw WrongType($"{path}.{bodyName}", "an object");
            }

            if (!body.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw WrongType($"{path}.{bodyName}.name", "a string");
            }

            var payloadName = custom ? "input" : "arguments";
            if (!body.TryGetProperty(payloadName, out var payload) || payload.ValueKind != JsonValueKind.String)
            {
                throw WrongType($"{path}.{bodyName}.{payloadName}", "a string");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, custom ? "custom_tool_call"u8 : "function_call"u8);
            writer.WritePropertyName("call_id"u8);
            WriteRaw(writer, id);
            writer.WritePropertyName("name"u8);
            WriteRaw(writer, name);
            writer.WritePropertyName(payloadName);
            WriteRaw(writer, payload);
            writer.WriteEndObject();
        }

        private static void WriteUserMessage(Utf8JsonWriter writer, TapeElement message, string path)
        {
            var content = RequireContent(message, path);
            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.Message);
            writer.WriteString("role"u8, "user"u8);
            writer.WriteStartArray("content"u8);
            if (content.ValueKind == JsonValueKind.String)
            {
                WriteTextPart(writer, ResponsesItemTypes.InputText, content);
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var part in content.EnumerateArray())
                {
                    WriteUserPart(writer, part, $"{path}.content[{index++}]");
                }
            }
            else
            {
                throw WrongType($"{path}.content", "a string or an array of content parts");
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        private static void WriteUserPart(Utf8JsonWriter writer, TapeElement part, string path)
        {
            switch (PartType(part, path))
            {
                case "text":
                    if (!part.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        throw WrongType($"{path}.text", "a string");
                    }

                    WriteTextPart(writer, ResponsesItemTypes.InputText, text);
                    break;
                case "image_url":
                    WriteImagePart(writer, part, path);
                    break;
                case "file":
                    WriteFilePart(writer, part, path);
                    break;
                case "input_audio":
                    throw Invalid(path, $"Invalid content part '{path}': audio input is not supported by this model (Responses API deployment).");
                case var other:
                    throw Invalid(
                        $"{path}.type",
                        $"Invalid value for '{path}.type': '{other}'. Supported values are: 'text', 'image_url' and 'file'.");
            }
        }

        /// <summary><c>{image_url: {url, detail}}</c> -> <c>{type: input_image, image_url, detail}</c>: data and http(s) URLs alike.</summary>
        private static void WriteImagePart(Utf8JsonWriter writer, TapeElement part, string path)
        {
            if (!part.TryGetProperty("image_url"u8, out var image) || image.ValueKind != JsonValueKind.Object
                || !image.TryGetProperty("url"u8, out var url) || url.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{path}.image_url.url", $"Missing required parameter: '{path}.image_url.url'.");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.InputImage);
            writer.WritePropertyName("image_url"u8);
            WriteRaw(writer, url);
            if (image.TryGetProperty("detail"u8, out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("detail"u8);
                WriteRaw(writer, detail);
            }
            else
            {
                writer.WriteString("detail"u8, "auto"u8); // required by Responses, Chat's default
            }

            writer.WriteEndObject();
        }

        /// <summary><c>{file: {file_id | file_data, filename}}</c> -> <c>{type: input_file, ...}</c>, the same fields.</summary>
        private static void WriteFilePart(Utf8JsonWriter writer, TapeElement part, string path)
        {
            if (!part.TryGetProperty("file"u8, out var file) || file.ValueKind != JsonValueKind.Object)
            {
                throw WrongType($"{path}.file", "an object");
            }

            var hasId = file.TryGetProperty("file_id"u8, out var fileId) && fileId.ValueKind == JsonValueKind.String;
            var hasData = file.TryGetProperty("file_data"u8, out var fileData) && fileData.ValueKind == JsonValueKind.String;
            if (!hasId && !hasData)
            {
                throw Invalid($"{path}.file", $"Invalid content part '{path}.file': expected 'file_id' or 'file_data'.");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.InputFile);
            if (hasId)
            {
                writer.WritePropertyName("file_id"u8);
                WriteRaw(writer, fileId);
            }
            else
            {
                writer.WritePropertyName("file_data"u8);
                WriteRaw(writer, fileData);
            }

            if (file.TryGetProperty("filename"u8, out var filename) && filename.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("filename"u8);
                WriteRaw(writer, filename);
            }

            writer.WriteEndObject();
        }

        private static string PartType(TapeElement part, string path)
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(path, "an object");
            }

            if (!part.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{path}.type", $"Missing required parameter: '{path}.type'.");
            }

            return type.GetString()!;
        }

        private static void WriteTextPart(Utf8JsonWriter writer, string partType, TapeElement text)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, partType);
            writer.WritePropertyName("text"u8);
            WriteRaw(writer, text);
            writer.WriteEndObject();
        }
    }
}
