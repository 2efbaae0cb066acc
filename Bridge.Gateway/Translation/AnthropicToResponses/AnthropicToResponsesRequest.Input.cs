using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;

namespace Bridge.Gateway.Translation.AnthropicToResponses;

// The conversation: system text as instructions, then every message as input items, in order.
public static partial class AnthropicToResponsesRequest
{
    private sealed partial class State
    {
        private void WriteInstructions(Utf8JsonWriter writer, TapeElement system)
        {
            if (system.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return;
            }

            if (system.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("instructions"u8);
                WriteRaw(writer, system);
                _written.Add("instructions");
                return;
            }

            if (system.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("system: must be a string or an array of text blocks");
            }

            JoinTextBlocks(system, "system", skipBillingHeader: true);
            if (_join.Length > 0)
            {
                writer.WritePropertyName("instructions"u8);
                _join.WriteTo(writer);
                _written.Add("instructions");
            }
        }

        private void WriteInput(Utf8JsonWriter writer, TapeElement messages)
        {
            writer.WriteStartArray("input"u8);
            _written.Add("input");

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
                    WriteUserTurn(writer, content, path);
                    RequireToolResultsConsumed(index);
                    if (deferredSystem is not null)
                    {
                        foreach (var deferred in deferredSystem)
                        {
                            WriteSystemItem(writer, deferred, path);
                        }

                        deferredSystem = null;
                    }
                }
                else if (roleElement.ValueEquals("assistant"u8))
                {
                    RequireToolResultsConsumed(index - 1);
                    WriteAssistantTurn(writer, content, path);
                }
                else if (roleElement.ValueEquals("system"u8))
                {
                    if (_pendingToolIds.Count > 0)
                    {
                        // Between a function_call and its output: moved after the outputs, as on the Chat path.
                        if (content.ValueKind == JsonValueKind.Array)
                        {
                            JoinTextBlocks(content, path + ".content", skipBillingHeader: false);
                        }

                        (deferredSystem ??= []).Add(content);
                    }
                    else
                    {
                        WriteSystemItem(writer, content, path);
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
                    WriteSystemItem(writer, deferred, "messages");
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

        private void WriteSystemItem(Utf8JsonWriter writer, TapeElement content, string path)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.Message);
            writer.WriteString("role"u8, "system"u8);
            writer.WritePropertyName("content"u8);
            if (content.ValueKind == JsonValueKind.String)
            {
                WriteRaw(writer, content);
            }
            else
            {
                JoinTextBlocks(content, path + ".content", skipBillingHeader: false);
                _join.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        // ---- assistant ------------------------------------------------------------------------

        /// <summary>
        /// Blocks in order: consecutive text blocks form one assistant message item, each
        /// <c>tool_use</c> a <c>function_call</c> item, each thinking block signed by Bridge a
        /// <c>reasoning</c> item (kept before the output it led to, as the upstream produced them).
        /// </summary>
        private void WriteAssistantTurn(Utf8JsonWriter writer, TapeElement content, string path)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, ResponsesItemTypes.Message);
                writer.WriteString("role"u8, "assistant"u8);
                writer.WriteStartArray("content"u8);
                WriteTextPart(writer, ResponsesItemTypes.OutputText, content);
                writer.WriteEndArray();
                writer.WriteEndObject();
                return;
            }

            // OpenAI refuses a reasoning item without the output it led to ("provided without its
            // required following item"): a thinking block with no text or tool_use after it in the
            // turn (say, a reply cut off while reasoning) is not sent back.
            var lastOutput = -1;
            var position = 0;
            foreach (var block in content.EnumerateArray())
            {
                if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type"u8, out var t)
                    && (t.ValueEquals("text"u8) || t.ValueEquals("tool_use"u8)))
                {
                    lastOutput = position;
                }

                position++;
            }

            var messageOpen = false;
            var index = 0;
            foreach (var block in content.EnumerateArray())
            {
                var blockPath = $"{path}.content.{index}";
                var type = BlockType(block, blockPath);
                if (type == "text")
                {
                    var text = RequireProperty(block, "text", JsonValueKind.String, blockPath);
                    if (!messageOpen)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("type"u8, ResponsesItemTypes.Message);
                        writer.WriteString("role"u8, "assistant"u8);
                        writer.WriteStartArray("content"u8);
                        messageOpen = true;
                    }

                    WriteTextPart(writer, ResponsesItemTypes.OutputText, text);
                    index++;
                    continue;
                }

                switch (type)
                {
                    case "tool_use":
                        CloseMessage(writer, ref messageOpen);
                        WriteFunctionCall(writer, block, blockPath);
                        break;
                    case "thinking":
                        if (index < lastOutput && TryReadOwnReasoning(block, out var itemId, out var encrypted))
                        {
                            CloseMessage(writer, ref messageOpen);
                            WriteReasoningItem(writer, block, itemId, encrypted);
                        }

                        break;
                    case "redacted_thinking":
                        break; // Anthropic's encrypted reasoning: meaningless to OpenAI.
                    case "server_tool_use" or "web_search_tool_result" or "web_fetch_tool_result"
                        or "code_execution_tool_result" or "mcp_tool_use" or "mcp_tool_result" or "container_upload":
                        throw Invalid($"{blockPath}: content block type '{type}' is not supported for this deployment");
                    default:
                        throw Invalid($"{blockPath}: unknown content block type '{type}'");
                }

                index++;
            }

            CloseMessage(writer, ref messageOpen);
        }

        private static void CloseMessage(Utf8JsonWriter writer, ref bool messageOpen)
        {
            if (messageOpen)
            {
                writer.WriteEndArray();
                writer.WriteEndObject();
                messageOpen = false;
            }
        }

        /// <summary>True when the thinking block's signature is Bridge's and verifies under the gateway's key.</summary>
        private bool TryReadOwnReasoning(TapeElement block, out string itemId, out string encrypted)
        {
            itemId = "";
            encrypted = "";
            return block.TryGetProperty("signature"u8, out var signature)
                && signature.ValueKind == JsonValueKind.String
                && RawJsonStringBuilder.StartsWith(signature, "bridge."u8)
                && ReasoningSignature.TryDecode(signature.GetString(), signatureKey, out itemId, out encrypted);
        }

        private void WriteReasoningItem(Utf8JsonWriter writer, TapeElement block, string itemId, string encrypted)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.Reasoning);
            writer.WriteString("id"u8, itemId);
            writer.WriteString("encrypted_content"u8, encrypted);
            writer.WriteStartArray("summary"u8);
            if (block.TryGetProperty("thinking"u8, out var thinking) && thinking.ValueKind == JsonValueKind.String
                && !thinking.ValueEquals(""u8))
            {
                WriteTextPart(writer, ResponsesItemTypes.SummaryText, thinking);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        private void WriteFunctionCall(Utf8JsonWriter writer, TapeElement block, string path)
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
            writer.WriteString("type"u8, ResponsesItemTypes.FunctionCall);
            writer.WriteString("call_id"u8, ToolCallIds.ToUpstream(id));
            writer.WriteString("name"u8, _names.ToUpstream(name));
            writer.WriteString("arguments"u8, CompactJson(input));
            writer.WriteEndObject();
        }

        private static void WriteTextPart(Utf8JsonWriter writer, string partType, TapeElement text)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, partType);
            writer.WritePropertyName("text"u8);
            WriteRaw(writer, text);
            writer.WriteEndObject();
        }

        private ReadOnlySpan<byte> CompactJson(TapeElement value)
        {
            var scratch = _scratch ??= new System.Buffers.ArrayBufferWriter<byte>(256);
            scratch.ResetWrittenCount();
            using (var inner = new Utf8JsonWriter(scratch, TranslationJson.WriterOptions))
            {
                value.WriteTo(inner);
            }

            return scratch.WrittenSpan;
        }

        // ---- shared ---------------------------------------------------------------------------

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
