using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Translation.ResponsesToChat;

// tools, tool_choice, parallel_tool_calls.
public static partial class ResponsesToChatRequest
{
    private static ReadOnlySpan<byte> FreeFormDescription => "The tool's free-form input, passed to it verbatim."u8;
    private const string GrammarIntro = "The tool's free-form input, passed to it verbatim. It must match this ";

    private sealed partial class State
    {
        private List<string> WriteTools(Utf8JsonWriter writer, TapeElement tools, TapeElement toolChoice, TapeElement parallelToolCalls)
        {
            var dropped = new List<string>();
            var written = 0;
            if (!IsAbsent(tools))
            {
                if (tools.ValueKind != JsonValueKind.Array)
                {
                    throw WrongType("tools", "an array");
                }

                var index = 0;
                foreach (var tool in tools.EnumerateArray())
                {
                    var path = $"tools[{index++}]";
                    if (tool.ValueKind != JsonValueKind.Object)
                    {
                        throw WrongType(path, "an object");
                    }

                    if (!tool.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
                    {
                        throw Invalid($"{path}.type", $"Missing required parameter: '{path}.type'.");
                    }

                    var isFunction = type.ValueEquals("function"u8);
                    if (!isFunction && !type.ValueEquals("custom"u8))
                    {
                        // Hosted tools (web_search, tool_search, file_search, code_interpreter, mcp, ...) run
                        // on OpenAI's side of the Responses API: Chat Completions has nothing to run them.
                        // Named in a header and a log line: the client chooses these strings, so keep them short.
                        var toolType = Short(type.GetString()!);
                        dropped.Add(tool.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String
                            ? $"{Short(n.GetString()!)} ({toolType})"
                            : toolType);
                        continue;
                    }

                    var name = RequireString(tool, "name", path);
                    if (name.Length == 0)
                    {
                        throw Invalid($"{path}.name", $"Invalid '{path}.name': empty string.");
                    }

                    if (written++ == 0)
                    {
                        writer.WriteStartArray("tools"u8);
                    }

                    var upstreamName = _names.ToUpstream(name);
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, upstreamName);
                    if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                    {
                        writer.WritePropertyName("description"u8);
                        WriteRaw(writer, description);
                    }

                    if (isFunction)
                    {
                        if (tool.TryGetProperty("parameters"u8, out var parameters) && parameters.ValueKind == JsonValueKind.Object)
                        {
                            writer.WritePropertyName("parameters"u8);
                            WriteRaw(writer, parameters);
                        }

                        if (tool.TryGetProperty("strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        {
                            writer.WriteBoolean("strict"u8, strict.ValueKind == JsonValueKind.True);
                        }
                    }
                    else
                    {
                        (_customTools ??= new HashSet<string>(StringComparer.Ordinal)).Add(upstreamName);
                        WriteCustomToolParameters(writer, tool);
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                if (written > 0)
                {
                    writer.WriteEndArray();
                    _written.Add("tools");
                }
            }

            // Chat rejects tool_choice and parallel_tool_calls without tools.
            if (written > 0)
            {
                WriteToolChoice(writer, toolChoice);
                if (!IsAbsent(parallelToolCalls))
                {
                    if (parallelToolCalls.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw WrongType("parallel_tool_calls", "a boolean");
                    }

                    Emit(writer, "parallel_tool_calls", parallelToolCalls);
                }
            }

            return dropped;
        }

        /// <summary>
        /// One required string parameter (<see cref="CustomToolInput"/>). Chat cannot constrain a string to
        /// a grammar, so a <c>grammar</c> format's definition goes into the parameter's description, where
        /// the model still reads it (Codex's <c>apply_patch</c> grammar is the patch format itself).
        /// </summary>
        private static void WriteCustomToolParameters(Utf8JsonWriter writer, TapeElement tool)
        {
            writer.WriteStartObject("parameters"u8);
            writer.WriteString("type"u8, "object"u8);
            writer.WriteStartObject("properties"u8);
            writer.WriteStartObject(CustomToolInput.ParameterName);
            writer.WriteString("type"u8, "string"u8);
            if (tool.TryGetProperty("format"u8, out var format) && format.ValueKind == JsonValueKind.Object
                && format.TryGetProperty("type"u8, out var formatType) && formatType.ValueKind == JsonValueKind.String && formatType.ValueEquals("grammar"u8)
                && format.TryGetProperty("definition"u8, out var definition) && definition.ValueKind == JsonValueKind.String)
            {
                var syntax = format.TryGetProperty("syntax"u8, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                writer.WriteString("description"u8, string.Concat(
                    GrammarIntro,
                    syntax is { Length: > 0 } ? syntax + " grammar:\n" : "grammar:\n",
                    definition.GetString()));
            }
            else
            {
                writer.WriteString("description"u8, FreeFormDescription);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("required"u8);
            writer.WriteStringValue(CustomToolInput.ParameterName);
            writer.WriteEndArray();
            writer.WriteBoolean("additionalProperties"u8, false);
            writer.WriteEndObject();
        }

        private void WriteToolChoice(Utf8JsonWriter writer, TapeElement toolChoice)
        {
            if (IsAbsent(toolChoice))
            {
                return;
            }

            if (toolChoice.ValueKind == JsonValueKind.String)
            {
                if (!(toolChoice.ValueEquals("auto"u8) || toolChoice.ValueEquals("none"u8) || toolChoice.ValueEquals("required"u8)))
                {
                    throw Invalid("tool_choice", $"Invalid value for 'tool_choice': '{toolChoice.GetString()}' (expected none, auto or required).");
                }

                Emit(writer, "tool_choice", toolChoice);
                return;
            }

            if (toolChoice.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("tool_choice", "a string or an object");
            }

            if (!toolChoice.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid("tool_choice.type", "Missing required parameter: 'tool_choice.type'.");
            }

            if (type.ValueEquals("function"u8) || type.ValueEquals("custom"u8))
            {
                var name = RequireString(toolChoice, "name", "tool_choice");
                if (Allowed("tool_choice") && _written.Add("tool_choice"))
                {
                    writer.WriteStartObject("tool_choice"u8);
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, _names.ToUpstream(name));
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
            }
            else if (type.ValueEquals("allowed_tools"u8))
            {
                // The subset is a prompt-caching device; the mode is what changes the model's behaviour.
                var mode = toolChoice.TryGetProperty("mode"u8, out var m) && m.ValueKind == JsonValueKind.String ? m : default;
                if (mode.ValueKind == JsonValueKind.String && (mode.ValueEquals("auto"u8) || mode.ValueEquals("required"u8)))
                {
                    Emit(writer, "tool_choice", mode);
                }
            }

            // A hosted tool's choice ({type: web_search}, ...) names a dropped tool: left to "auto".
        }

        private static string RequireString(TapeElement obj, string name, string path)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                throw Invalid($"{path}.{name}", $"Missing required parameter: '{path}.{name}'.");
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw WrongType($"{path}.{name}", "a string");
        }

        private static string Short(string s) => s.Length <= 64 ? s : s[..64];
    }
}
