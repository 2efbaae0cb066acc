using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;

namespace Bridge.Gateway.Translation.AnthropicToResponses;

// User turns: tool results as function_call_output items, then one user message with text, images and files.
public static partial class AnthropicToResponsesRequest
{
    private sealed partial class State
    {
        private void WriteUserTurn(Utf8JsonWriter writer, TapeElement content, string path)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, ResponsesItemTypes.Message);
                writer.WriteString("role"u8, "user"u8);
                writer.WriteStartArray("content"u8);
                WriteTextPart(writer, ResponsesItemTypes.InputText, content);
                writer.WriteEndArray();
                writer.WriteEndObject();
                return;
            }

            // Pass 1: tool results, right after the function calls they answer.
            var otherParts = 0;
            var toolAttachments = 0;
            var index = 0;
            foreach (var block in content.EnumerateArray())
            {
                var blockPath = $"{path}.content.{index}";
                var type = BlockType(block, blockPath);
                if (type == "tool_result")
                {
                    toolAttachments += WriteFunctionCallOutput(writer, block, blockPath);
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
            writer.WriteString("type"u8, ResponsesItemTypes.Message);
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
                        WriteTextPart(writer, ResponsesItemTypes.InputText, RequireProperty(block, "text", JsonValueKind.String, blockPath));
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

        /// <summary>Writes one <c>function_call_output</c> item; returns the number of attachments left for the user message.</summary>
        private int WriteFunctionCallOutput(Utf8JsonWriter writer, TapeElement block, string path)
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
                // Text-only output keeps to what every Responses deployment accepts; the attachments follow as user input.
                if (builder.Length > (isError ? ToolErrorMarker.Length : 0))
                {
                    builder.AppendEscaped(NewLine);
                }

                builder.AppendEscaped(ToolAttachmentNote);
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.FunctionCallOutput);
            writer.WriteString("call_id"u8, ToolCallIds.ToUpstream(clientId));
            writer.WritePropertyName("output"u8);
            builder.WriteTo(writer);
            writer.WriteEndObject();
            return attachments;
        }

        private void WriteImagePart(Utf8JsonWriter writer, TapeElement block, string path)
        {
            var source = RequireProperty(block, "source", JsonValueKind.Object, path);
            var sourcePath = path + ".source";
            var sourceType = RequireProperty(source, "type", JsonValueKind.String, sourcePath);
            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.InputImage);
            if (sourceType.ValueEquals("base64"u8))
            {
                WriteDataUrl(writer, "image_url"u8, source, sourcePath);
            }
            else if (sourceType.ValueEquals("url"u8))
            {
                writer.WritePropertyName("image_url"u8);
                WriteRaw(writer, RequireProperty(source, "url", JsonValueKind.String, sourcePath));
            }
            else
            {
                throw Invalid($"{sourcePath}.type: image source '{sourceType.GetString()}' is not supported for this deployment (use base64 or url)");
            }

            writer.WriteString("detail"u8, "auto"u8);
            writer.WriteEndObject();
        }

        /// <summary><c>data:{media_type};base64,{data}</c>, copied from the raw JSON (images can be megabytes).</summary>
        private void WriteDataUrl(Utf8JsonWriter writer, ReadOnlySpan<byte> propertyName, TapeElement source, string path)
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

        private void WriteDocumentParts(Utf8JsonWriter writer, TapeElement block, string path)
        {
            var source = RequireProperty(block, "source", JsonValueKind.Object, path);
            var sourcePath = path + ".source";
            var sourceType = RequireProperty(source, "type", JsonValueKind.String, sourcePath);
            string? title = block.TryGetProperty("title"u8, out var titleElement) && titleElement.ValueKind == JsonValueKind.String
                ? titleElement.GetString()
                : null;

            if (sourceType.ValueEquals("base64"u8))
            {
                var mediaType = RequireProperty(source, "media_type", JsonValueKind.String, sourcePath).GetString();
                writer.WriteStartObject();
                writer.WriteString("type"u8, ResponsesItemTypes.InputFile);
                writer.WriteString("filename"u8, FileName(title, mediaType));
                WriteDataUrl(writer, "file_data"u8, source, sourcePath);
                writer.WriteEndObject();
            }
            else if (sourceType.ValueEquals("url"u8))
            {
                // Responses fetches a file by URL itself (Chat Completions cannot).
                writer.WriteStartObject();
                writer.WriteString("type"u8, ResponsesItemTypes.InputFile);
                writer.WritePropertyName("file_url"u8);
                WriteRaw(writer, RequireProperty(source, "url", JsonValueKind.String, sourcePath));
                writer.WriteEndObject();
            }
            else if (sourceType.ValueEquals("text"u8))
            {
                var data = RequireProperty(source, "data", JsonValueKind.String, sourcePath).GetString();
                writer.WriteStartObject();
                writer.WriteString("type"u8, ResponsesItemTypes.InputText);
                writer.WriteString("text"u8, title is null ? data : string.Concat(title, "\n\n", data));
                writer.WriteEndObject();
            }
            else if (sourceType.ValueEquals("content"u8))
            {
                var content = source.TryGetProperty("content"u8, out var c) ? c : default;
                if (content.ValueKind == JsonValueKind.String)
                {
                    WriteTextPart(writer, ResponsesItemTypes.InputText, content);
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var part in content.EnumerateArray())
                    {
                        var partPath = $"{sourcePath}.content.{index}";
                        switch (BlockType(part, partPath))
                        {
                            case "text":
                                WriteTextPart(writer, ResponsesItemTypes.InputText, RequireProperty(part, "text", JsonValueKind.String, partPath));
                                break;
                            case "image":
                                WriteImagePart(writer, part, partPath);
                                break;
                            default:
                                throw Invalid($"{partPath}: unknown content block type '{part.GetProperty("type"u8).GetString()}'");
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
                throw Invalid($"{sourcePath}.type: document source '{sourceType.GetString()}' is not supported for this deployment (use base64, url, text or content)");
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
    }
}
