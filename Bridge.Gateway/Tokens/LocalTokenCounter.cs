using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Microsoft.ML.Tokenizers;

namespace Bridge.Gateway.Tokens;

/// <summary>
/// Counts the input tokens an OpenAI-format upstream would bill for an Anthropic Messages (or
/// count_tokens) body once Bridge has translated it, without translating it and without calling
/// anyone. Implemented separately from the translator on purpose: the test compares the two.
/// <para>What is counted, in the translated request's shape (see <see cref="ChatFormatCosts"/> for
/// the recipe and its source):</para>
/// <list type="bullet">
/// <item><c>system</c>: one system message; blocks joined with a blank line, Claude Code's leading
/// <c>x-anthropic-billing-header:</c> block left out (the translator drops it).
/// <c>role: system</c> entries in <c>messages</c> are system messages too.</item>
/// <item>User turns: each <c>tool_result</c> is a tool message (texts joined by a newline,
/// <c>[tool error] </c> prefix); the other blocks are one user message whose text parts are
/// tokenized one by one. Images and documents inside tool results are billed in that user message.</item>
/// <item>Assistant turns: texts joined with a blank line; each <c>tool_use</c> costs its function
/// name plus the compact JSON of its input (the call's arguments). Call ids are not counted: OpenAI
/// does not render them into the prompt.</item>
/// <item>Thinking and redacted_thinking blocks: dropped, as by the translator.</item>
/// <item>Images: <see cref="ImageTokenCost"/> from the size in the base64 header (<c>detail</c> is
/// never set by the translator, so OpenAI's default applies: high for these sizes). URL images and
/// unreadable headers: <see cref="ImageTokenCost.AssumedWidth"/> x <see cref="ImageTokenCost.AssumedHeight"/>.</item>
/// <item>Documents: text and content sources as text (title, blank line, text). PDFs: see
/// <see cref="PdfTokenEstimate"/>.</item>
/// <item>Tools: function tools (no <c>type</c>, or <c>custom</c>) by the cookbook's function recipe
/// extended to nested schemas: a property whose schema has <c>properties</c> counts them like
/// top-level ones (property start, then each property); <c>items</c> and the branches of
/// <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c> are walked the same way; a <c>type</c> array is written
/// <c>a | b</c>; non-string enum values count as their JSON text. Anthropic server tools are dropped,
/// as by the translator. <c>tools: []</c> costs nothing.</item>
/// <item>Plus 3 tokens of reply priming.</item>
/// </list>
/// Malformed parts (wrong types, unknown blocks) are skipped: counting never throws for a JSON object.
/// </summary>
public static class LocalTokenCounter
{
    /// <summary>Input tokens for <paramref name="anthropicRequest"/> sent to <paramref name="upstreamModel"/>.</summary>
    public static int CountAnthropicRequest(TapeElement anthropicRequest, string upstreamModel)
    {
        ArgumentNullException.ThrowIfNull(upstreamModel);
        using var counter = new Counter(
            TokenizerCatalog.For(upstreamModel), ChatFormatCosts.ForModel(upstreamModel), ImageTokenCost.ForModel(upstreamModel));
        return counter.CountRequest(anthropicRequest);
    }

    private sealed class Counter(Tokenizer tokenizer, ChatFormatCosts costs, ImageTokenCost images) : IDisposable
    {
        private static ReadOnlySpan<byte> BillingHeaderPrefix => "x-anthropic-billing-header:"u8;

        // The translator's note in a tool message whose images/documents move to the next user message.
        private const string ToolAttachmentNote = "[the tool result's images/documents are attached in the next user message]";
        private const string ToolErrorMarker = "[tool error] ";

        private static readonly JsonWriterOptions CompactRelaxed = new()
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Indented = false,
        };

        private readonly TextBuffer _text = new();
        private readonly ToolNameMap _names = new();
        private ArrayBufferWriter<byte>? _json;
        private int _systemRole = -1, _userRole = -1, _assistantRole = -1, _toolRole = -1;

        public int CountRequest(TapeElement request)
        {
            if (request.ValueKind != JsonValueKind.Object)
            {
                return costs.ReplyPriming;
            }

            var total = 0;
            if (request.TryGetProperty("system"u8, out var system))
            {
                total += CountTopLevelSystem(system);
            }

            if (request.TryGetProperty("messages"u8, out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    total += CountMessage(message);
                }
            }

            if (request.TryGetProperty("tools"u8, out var tools) && tools.ValueKind == JsonValueKind.Array)
            {
                total += CountTools(tools);
            }

            return total + costs.ReplyPriming;
        }

        // ---- messages -----------------------------------------------------------------------------

        private int Message(ref int roleTokens, string role, int contentTokens)
        {
            if (roleTokens < 0)
            {
                roleTokens = tokenizer.CountTokens(role);
            }

            return costs.TokensPerMessage + roleTokens + contentTokens;
        }

        private int CountText() => _text.Length == 0 ? 0 : tokenizer.CountTokens(_text.Span);

        private int CountString(TapeElement text)
        {
            _text.Clear();
            _text.AppendString(text);
            return CountText();
        }

        private int CountTopLevelSystem(TapeElement system)
        {
            if (system.ValueKind == JsonValueKind.String)
            {
                return Message(ref _systemRole, "system", CountString(system));
            }

            if (system.ValueKind != JsonValueKind.Array)
            {
                return 0;
            }

            JoinTexts(system, skipBillingHeader: true);
            return _text.Length == 0 ? 0 : Message(ref _systemRole, "system", CountText());
        }

        /// <summary>Text blocks joined with a blank line into <see cref="_text"/>.</summary>
        private void JoinTexts(TapeElement blocks, bool skipBillingHeader)
        {
            _text.Clear();
            var index = 0;
            foreach (var block in blocks.EnumerateArray())
            {
                if (TryGetText(block, out var text)
                    && !(skipBillingHeader && index == 0 && text.RawStringContent.StartsWith(BillingHeaderPrefix)))
                {
                    if (_text.Length > 0)
                    {
                        _text.Append("\n\n");
                    }

                    _text.AppendString(text);
                }

                index++;
            }
        }

        private int CountMessage(TapeElement message)
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role"u8, out var role)
                || !message.TryGetProperty("content"u8, out var content))
            {
                return 0;
            }

            if (role.ValueEquals("user"u8))
            {
                return CountUser(content);
            }

            if (role.ValueEquals("assistant"u8))
            {
                return CountAssistant(content);
            }

            if (role.ValueEquals("system"u8))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    return Message(ref _systemRole, "system", CountString(content));
                }

                if (content.ValueKind == JsonValueKind.Array)
                {
                    JoinTexts(content, skipBillingHeader: false);
                    return Message(ref _systemRole, "system", CountText());
                }
            }

            return 0;
        }

        private int CountUser(TapeElement content)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                return Message(ref _userRole, "user", CountString(content));
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                return 0;
            }

            var total = 0;
            var userParts = 0;      // tokens of the user message's parts
            var hasUserMessage = false;
            foreach (var block in content.EnumerateArray())
            {
                switch (BlockType(block))
                {
                    case "tool_result":
                        total += CountToolResult(block, ref userParts, ref hasUserMessage);
                        break;
                    case "text":
                        hasUserMessage = true;
                        if (block.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String)
                        {
                            userParts += CountString(text);
                        }

                        break;
                    case "image":
                        hasUserMessage = true;
                        userParts += CountImage(block);
                        break;
                    case "document":
                        hasUserMessage = true;
                        userParts += CountDocument(block);
                        break;
                    case "thinking" or "redacted_thinking" or null:
                        break;
                    default:
                        hasUserMessage = true; // the translator rejects these; nothing to count
                        break;
                }
            }

            return hasUserMessage ? total + Message(ref _userRole, "user", userParts) : total;
        }

        /// <summary>The tool message; its images/documents are added to <paramref name="userParts"/>.</summary>
        private int CountToolResult(TapeElement block, ref int userParts, ref bool hasUserMessage)
        {
            var attachments = 0;
            _text.Clear();
            if (block.TryGetProperty("is_error"u8, out var isError) && isError.ValueKind == JsonValueKind.True)
            {
                _text.Append(ToolErrorMarker);
            }

            var prefixLength = _text.Length;
            if (block.TryGetProperty("content"u8, out var content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    _text.AppendString(content);
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    var texts = 0;
                    foreach (var part in content.EnumerateArray())
                    {
                        switch (BlockType(part))
                        {
                            case "text" when part.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String:
                                if (texts++ > 0)
                                {
                                    _text.Append("\n");
                                }

                                _text.AppendString(text);
                                break;
                            case "image":
                                attachments++;
                                break;
                            case "document":
                                attachments++;
                                break;
                        }
                    }
                }
            }

            if (attachments > 0)
            {
                if (_text.Length > prefixLength)
                {
                    _text.Append("\n");
                }

                _text.Append(ToolAttachmentNote);
            }

            var tokens = Message(ref _toolRole, "tool", CountText());
            if (attachments > 0)
            {
                // Counted after the tool message's text: both use _text.
                hasUserMessage = true;
                foreach (var part in content.EnumerateArray())
                {
                    switch (BlockType(part))
                    {
                        case "image": userParts += CountImage(part); break;
                        case "document": userParts += CountDocument(part); break;
                    }
                }
            }

            return tokens;
        }

        private int CountAssistant(TapeElement content)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                return Message(ref _assistantRole, "assistant", CountString(content));
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                return 0;
            }

            // Texts first (joined), then the calls: the call counting reuses _text.
            _text.Clear();
            var texts = 0;
            var calls = 0;
            foreach (var block in content.EnumerateArray())
            {
                switch (BlockType(block))
                {
                    case "text" when block.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String:
                        if (texts++ > 0)
                        {
                            _text.Append("\n\n");
                        }

                        _text.AppendString(text);
                        break;
                    case "tool_use":
                        calls++;
                        break;
                }
            }

            if (texts == 0 && calls == 0)
            {
                return 0;
            }

            var tokens = CountText();
            if (calls > 0)
            {
                foreach (var block in content.EnumerateArray())
                {
                    if (BlockType(block) == "tool_use")
                    {
                        tokens += CountToolCall(block);
                    }
                }
            }

            return Message(ref _assistantRole, "assistant", tokens);
        }

        private int CountToolCall(TapeElement block)
        {
            var tokens = 0;
            if (block.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String)
            {
                tokens += tokenizer.CountTokens(_names.ToUpstream(name.GetString()!));
            }

            if (block.TryGetProperty("input"u8, out var input))
            {
                var json = _json ??= new ArrayBufferWriter<byte>(1024);
                json.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(json, CompactRelaxed))
                {
                    input.WriteTo(writer);
                }

                _text.Clear();
                _text.AppendRawUtf8(json.WrittenSpan);
                tokens += CountText();
            }

            return tokens;
        }

        // ---- images and documents -------------------------------------------------------------

        private int CountImage(TapeElement block)
        {
            if (block.TryGetProperty("source"u8, out var source) && source.ValueKind == JsonValueKind.Object
                && source.TryGetProperty("type"u8, out var type) && type.ValueEquals("base64"u8)
                && source.TryGetProperty("data"u8, out var data) && data.ValueKind == JsonValueKind.String)
            {
                var raw = data.RawStringContent;
                bool found;
                int width, height;
                if (raw.IndexOf((byte)'\\') < 0)
                {
                    found = ImageDimensions.TryRead(raw, out width, out height);
                }
                else
                {
                    // Escaped base64 ("\/"): rare; take the decoded string.
                    found = ImageDimensions.TryRead(System.Text.Encoding.UTF8.GetBytes(data.GetString()!), out width, out height);
                }

                if (found)
                {
                    return images.Count(width, height);
                }
            }

            return images.Count(ImageTokenCost.AssumedWidth, ImageTokenCost.AssumedHeight);
        }

        private int CountDocument(TapeElement block)
        {
            if (!block.TryGetProperty("source"u8, out var source) || source.ValueKind != JsonValueKind.Object
                || !source.TryGetProperty("type"u8, out var type))
            {
                return 0;
            }

            if (type.ValueEquals("text"u8))
            {
                if (!source.TryGetProperty("data"u8, out var data) || data.ValueKind != JsonValueKind.String)
                {
                    return 0;
                }

                _text.Clear();
                if (block.TryGetProperty("title"u8, out var title) && title.ValueKind == JsonValueKind.String)
                {
                    _text.AppendString(title);
                    _text.Append("\n\n");
                }

                _text.AppendString(data);
                return CountText();
            }

            if (type.ValueEquals("content"u8) && source.TryGetProperty("content"u8, out var content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    return CountString(content);
                }

                var tokens = 0;
                if (content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.EnumerateArray())
                    {
                        switch (BlockType(part))
                        {
                            case "text" when part.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String:
                                tokens += CountString(text);
                                break;
                            case "image":
                                tokens += CountImage(part);
                                break;
                        }
                    }
                }

                return tokens;
            }

            if (type.ValueEquals("base64"u8) && source.TryGetProperty("data"u8, out var pdf) && pdf.ValueKind == JsonValueKind.String)
            {
                return PdfTokenEstimate.Count(pdf, images);
            }

            // url/file sources: the size is unknown; one page.
            return PdfTokenEstimate.CountPages(1, images);
        }

        // ---- tools ----------------------------------------------------------------------------

        private int CountTools(TapeElement tools)
        {
            var total = 0;
            var functions = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind != JsonValueKind.Object
                    || (tool.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String && !type.ValueEquals("custom"u8))
                    || !tool.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String)
                {
                    continue; // server tools have no OpenAI form
                }

                functions++;
                total += costs.FunctionInit;
                _text.Clear();
                _text.Append(_names.ToUpstream(name.GetString()!));
                _text.Append(":");
                if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                {
                    var start = _text.Length;
                    _text.AppendString(description);
                    _text.TrimTrailingPeriod(start);
                }

                total += CountText();
                if (tool.TryGetProperty("input_schema"u8, out var schema))
                {
                    total += CountSchema(schema);
                }
            }

            return functions > 0 ? total + costs.FunctionEnd : 0;
        }

        /// <summary>The properties of an object schema (and of its items / anyOf branches).</summary>
        private int CountSchema(TapeElement schema)
        {
            if (schema.ValueKind != JsonValueKind.Object)
            {
                return 0;
            }

            var total = 0;
            if (schema.TryGetProperty("properties"u8, out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                var first = true;
                foreach (var property in properties.EnumerateObject())
                {
                    if (first)
                    {
                        total += costs.PropertyInit;
                        first = false;
                    }

                    total += CountProperty(property);
                }
            }

            if (schema.TryGetProperty("items"u8, out var items))
            {
                total += CountSchema(items);
            }

            total += CountBranches(schema, "anyOf"u8) + CountBranches(schema, "oneOf"u8) + CountBranches(schema, "allOf"u8);
            return total;
        }

        private int CountBranches(TapeElement schema, ReadOnlySpan<byte> keyword)
        {
            var total = 0;
            if (schema.TryGetProperty(keyword, out var branches) && branches.ValueKind == JsonValueKind.Array)
            {
                foreach (var branch in branches.EnumerateArray())
                {
                    total += CountSchema(branch);
                }
            }

            return total;
        }

        private int CountProperty(TapeProperty property)
        {
            var total = costs.PropertyKey;
            var schema = property.Value;
            _text.Clear();
            _text.AppendName(property);
            _text.Append(":");
            if (schema.ValueKind == JsonValueKind.Object)
            {
                if (schema.TryGetProperty("type"u8, out var type))
                {
                    AppendType(type);
                }

                _text.Append(":");
                if (schema.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                {
                    var start = _text.Length;
                    _text.AppendString(description);
                    _text.TrimTrailingPeriod(start);
                }
            }
            else
            {
                _text.Append(":");
            }

            total += CountText();
            if (schema.ValueKind == JsonValueKind.Object)
            {
                if (schema.TryGetProperty("enum"u8, out var values) && values.ValueKind == JsonValueKind.Array)
                {
                    total += costs.EnumInit;
                    foreach (var value in values.EnumerateArray())
                    {
                        _text.Clear();
                        if (value.ValueKind == JsonValueKind.String)
                        {
                            _text.AppendString(value);
                        }
                        else
                        {
                            _text.AppendRawUtf8(value.RawUtf8);
                        }

                        total += costs.EnumItem + CountText();
                    }
                }

                total += CountSchema(schema);
            }

            return total;
        }

        private void AppendType(TapeElement type)
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                _text.AppendString(type);
            }
            else if (type.ValueKind == JsonValueKind.Array)
            {
                var first = true;
                foreach (var item in type.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (!first)
                    {
                        _text.Append(" | ");
                    }

                    _text.AppendString(item);
                    first = false;
                }
            }
        }

        // ---- helpers --------------------------------------------------------------------------

        private static bool TryGetText(TapeElement block, out TapeElement text)
        {
            text = default;
            return block.ValueKind == JsonValueKind.Object
                && block.TryGetProperty("text"u8, out text)
                && text.ValueKind == JsonValueKind.String;
        }

        /// <summary>The block's type for the known types (interned literals: no allocation), else null or "other".</summary>
        private static string? BlockType(TapeElement block)
        {
            if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type"u8, out var type)
                || type.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            if (type.ValueEquals("text"u8)) return "text";
            if (type.ValueEquals("tool_result"u8)) return "tool_result";
            if (type.ValueEquals("tool_use"u8)) return "tool_use";
            if (type.ValueEquals("image"u8)) return "image";
            if (type.ValueEquals("document"u8)) return "document";
            if (type.ValueEquals("thinking"u8)) return "thinking";
            if (type.ValueEquals("redacted_thinking"u8)) return "redacted_thinking";
            return "other";
        }

        public void Dispose() => _text.Dispose();
    }
}
