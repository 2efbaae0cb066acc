using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

// User turns: tool results first, then text, images and files.
public static partial class ChatRequestToMessages
{
    private sealed partial class State
    {
        // ---- user turn ------------------------------------------------------------------------

        private void WriteUserTurn(Utf8JsonWriter writer, TapeElement[] list, TurnRole[] roles, int start, int end)
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

        private void WriteToolResult(Utf8JsonWriter writer, TapeElement message, int index)
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
                    if (!content.IsEmptyString)
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
                        if (text.IsEmptyString)
                        {
                            continue;
                        }

                        if (!started)
                        {
                            started = true;
                            writer.WriteStartArray("content"u8);
                        }

                        WriteTextBlock(writer, text, OwnControl(part));
                    }

                    if (started)
                    {
                        writer.WriteEndArray();
                    }

                    break;
                default:
                    throw WrongType(path, "a string or an array of text parts");
            }

            WriteControl(writer, ControlFor(index, -1));
            writer.WriteEndObject();
        }

        private int WriteUserContent(Utf8JsonWriter writer, TapeElement message, int index)
        {
            var path = $"messages[{index}].content";
            if (!message.TryGetProperty("content"u8, out var content))
            {
                throw Invalid(path, $"Missing required parameter: '{path}'.");
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
                    if (!text.IsEmptyString)
                    {
                        WriteTextBlock(writer, text, ControlFor(index, j - 1, part));
                        blocks++;
                    }
                }
                else if (type.ValueEquals("image_url"u8))
                {
                    WriteImage(writer, part, partPath, ControlFor(index, j - 1, part));
                    blocks++;
                }
                else if (type.ValueEquals("file"u8))
                {
                    WriteDocument(writer, part, partPath, ControlFor(index, j - 1, part));
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

        private void WriteImage(Utf8JsonWriter writer, TapeElement part, string path, TapeElement cacheControl)
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
            WriteControl(writer, cacheControl);
            writer.WriteEndObject();
        }

        private void WriteDocument(Utf8JsonWriter writer, TapeElement part, string path, TapeElement cacheControl)
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

            WriteControl(writer, cacheControl);
            writer.WriteEndObject();
        }

        /// <summary>
        /// Writes <c>type: base64, media_type, data</c> from a <c>data:{media type};base64,{data}</c>
        /// string (or, with <paramref name="pdfFallback"/>, plain base64 taken as PDF). The data is
        /// copied as raw JSON bytes, never decoded. Returns the media type.
        /// </summary>
        private string WriteBase64Source(Utf8JsonWriter writer, TapeElement value, string path, bool pdfFallback)
        {
            var raw = value.RawUtf8;
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
    }
}
