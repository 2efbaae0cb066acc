using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Gateway.Translation.ResponsesToMessages;

// Top-level parameters: sampling, tools, tool_choice, metadata, output format.
public static partial class ResponsesToMessagesRequest
{
    private sealed partial class State
    {
        private void WriteSampling(Utf8JsonWriter writer, TapeElement temperature, TapeElement topP)
        {
            if (!IsAbsent(temperature))
            {
                if (temperature.ValueKind != JsonValueKind.Number)
                {
                    throw WrongType("temperature", "a number");
                }

                if (Claim("temperature"))
                {
                    // Anthropic's range is 0..1, OpenAI's 0..2.
                    if (temperature.GetDouble() > 1)
                    {
                        writer.WriteNumber("temperature"u8, 1);
                    }
                    else
                    {
                        writer.WritePropertyName("temperature"u8);
                        WriteRaw(writer, temperature);
                    }
                }
            }

            if (!IsAbsent(topP))
            {
                if (topP.ValueKind != JsonValueKind.Number)
                {
                    throw WrongType("top_p", "a number");
                }

                // Recent Claude models reject temperature and top_p together: temperature wins.
                if (!_written.Contains("temperature") && Claim("top_p"))
                {
                    writer.WritePropertyName("top_p"u8);
                    WriteRaw(writer, topP);
                }
            }
        }

        // ---- tools ---------------------------------------------------------------------------------

        private List<string> WriteTools(Utf8JsonWriter writer, TapeElement tools, TapeElement toolChoice, TapeElement parallelToolCalls)
        {
            List<string> dropped = [];
            var written = 0;
            if (!IsAbsent(tools))
            {
                if (tools.ValueKind != JsonValueKind.Array)
                {
                    throw WrongType("tools", "an array");
                }

                var dropTools = Dropped("tools");
                var count = tools.GetArrayLength();
                var j = 0;
                foreach (var tool in tools.EnumerateArray())
                {
                    var path = $"tools[{j++}]";
                    if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
                    {
                        throw WrongType($"{path}.type", "a string");
                    }

                    var kind = type.GetString()!;
                    var name = tool.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? n : default;
                    if (kind is "function" or "custom" && (name.ValueKind != JsonValueKind.String || name.IsEmptyString))
                    {
                        throw WrongType($"{path}.name", "a non-empty string");
                    }

                    // web_search with external_web_access false is Codex's "cached" mode (OpenAI's index, no live
                    // fetches): Anthropic's search is live only, so the client's restriction wins and the tool is dropped.
                    var webSearch = kind is "web_search" or "web_search_preview";
                    if ((!webSearch && kind is not ("function" or "custom"))
                        || (webSearch && tool.TryGetProperty("external_web_access"u8, out var live) && live.ValueKind == JsonValueKind.False))
                    {
                        // tool_search, file_search, code_interpreter, local_shell, mcp...: OpenAI-hosted, no Anthropic form.
                        dropped.Add(name.ValueKind == JsonValueKind.String ? $"{name.GetString()} ({kind})" : kind);
                        continue;
                    }

                    if (dropTools)
                    {
                        continue;
                    }

                    if (written++ == 0)
                    {
                        writer.WriteStartArray("tools"u8);
                        _written.Add("tools");
                    }

                    writer.WriteStartObject();
                    if (webSearch)
                    {
                        // Anthropic's server-side web search: it searches and cites by itself, nothing for the client to run.
                        writer.WriteString("type"u8, "web_search_20250305"u8);
                        writer.WriteString("name"u8, "web_search"u8);
                        WriteWebSearchOptions(writer, tool);
                        writer.WriteEndObject();
                        continue;
                    }

                    writer.WritePropertyName("name"u8);
                    WriteRaw(writer, name);
                    if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                    {
                        writer.WritePropertyName("description"u8);
                        WriteRaw(writer, description);
                    }

                    writer.WritePropertyName("input_schema"u8);
                    if (kind == "custom")
                    {
                        // Free-form input (Codex's apply_patch grammar) travels as one string property.
                        (_customTools ??= new HashSet<string>(StringComparer.Ordinal)).Add(name.GetString()!);
                        writer.WriteStartObject();
                        writer.WriteString("type"u8, "object"u8);
                        writer.WriteStartObject("properties"u8);
                        writer.WriteStartObject(CustomToolInput.ParameterName);
                        writer.WriteString("type"u8, "string"u8);
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                        writer.WriteStartArray("required"u8);
                        writer.WriteStringValue(CustomToolInput.ParameterName);
                        writer.WriteEndArray();
                        writer.WriteEndObject();
                    }
                    else
                    {
                        var hasSchema = tool.TryGetProperty("parameters"u8, out var parameters) && !IsAbsent(parameters);
                        if (hasSchema && parameters.ValueKind != JsonValueKind.Object)
                        {
                            throw WrongType($"{path}.parameters", "an object");
                        }

                        WriteSchema(writer, hasSchema ? parameters : default);
                    }

                    // The default's mark when there is no system prompt (a hosted tool dropped last takes it along).
                    WriteControl(writer, j == count ? _lastToolMark : default);
                    writer.WriteEndObject();
                }

                if (written > 0)
                {
                    writer.WriteEndArray();
                }
            }

            WriteToolChoice(writer, toolChoice, parallelToolCalls, hasTools: written > 0);
            return dropped;
        }

        /// <summary><c>filters.allowed_domains</c> and an approximate <c>user_location</c>: the options both APIs share.</summary>
        private static void WriteWebSearchOptions(Utf8JsonWriter writer, TapeElement tool)
        {
            if (tool.TryGetProperty("filters"u8, out var filters) && filters.ValueKind == JsonValueKind.Object
                && filters.TryGetProperty("allowed_domains"u8, out var domains) && domains.ValueKind == JsonValueKind.Array
                && domains.GetArrayLength() > 0)
            {
                writer.WritePropertyName("allowed_domains"u8);
                WriteRaw(writer, domains);
            }

            if (tool.TryGetProperty("user_location"u8, out var location) && location.ValueKind == JsonValueKind.Object)
            {
                writer.WriteStartObject("user_location"u8);
                writer.WriteString("type"u8, "approximate"u8);
                foreach (var field in (ReadOnlySpan<string>)["city", "region", "country", "timezone"])
                {
                    if (location.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        writer.WritePropertyName(field);
                        WriteRaw(writer, value);
                    }
                }

                writer.WriteEndObject();
            }
        }

        /// <summary>Anthropic requires an object schema with <c>type: object</c>; OpenAI allows the parameters to be absent or <c>{}</c>.</summary>
        private static void WriteSchema(Utf8JsonWriter writer, TapeElement parameters)
        {
            if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("type"u8, out _))
            {
                WriteRaw(writer, parameters);
                return;
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "object"u8);
            var hasProperties = false;
            if (parameters.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in parameters.EnumerateObject())
                {
                    hasProperties |= property.NameEquals("properties"u8);
                    writer.WritePropertyName(property.Name);
                    WriteRaw(writer, property.Value);
                }
            }

            if (!hasProperties)
            {
                writer.WriteStartObject("properties"u8);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        /// <summary><c>"required"</c> or a named tool: what becomes Anthropic's <c>any</c> or <c>tool</c>.</summary>
        private static bool ForcesTool(TapeElement toolChoice) =>
            toolChoice.ValueKind switch
            {
                JsonValueKind.String => toolChoice.ValueEquals("required"u8),
                JsonValueKind.Object => toolChoice.TryGetProperty("type"u8, out var type) && (type.ValueEquals("function"u8) || type.ValueEquals("custom"u8)),
                _ => false,
            };

        private void WriteToolChoice(Utf8JsonWriter writer, TapeElement toolChoice, TapeElement parallelToolCalls, bool hasTools)
        {
            var disableParallel = false;
            if (!IsAbsent(parallelToolCalls))
            {
                disableParallel = parallelToolCalls.ValueKind switch
                {
                    JsonValueKind.False => true,
                    JsonValueKind.True => false,
                    _ => throw WrongType("parallel_tool_calls", "a boolean"),
                };
            }

            string? type = null;
            TapeElement name = default;
            if (!IsAbsent(toolChoice))
            {
                if (toolChoice.ValueKind == JsonValueKind.String)
                {
                    type = toolChoice.GetString() switch
                    {
                        "none" => "none",
                        "auto" => "auto",
                        "required" => "any",
                        var other => throw Invalid("tool_choice", $"Invalid value for 'tool_choice': '{other}'. Supported values are: 'none', 'auto' and 'required'."),
                    };
                }
                else if (toolChoice.ValueKind == JsonValueKind.Object)
                {
                    if (ForcesTool(toolChoice))
                    {
                        if (!toolChoice.TryGetProperty("name"u8, out name) || name.ValueKind != JsonValueKind.String)
                        {
                            throw WrongType("tool_choice.name", "a string");
                        }

                        type = "tool";
                    }
                    else
                    {
                        // allowed_tools and hosted tool choices (web_search, ...) have no Anthropic form: left to the model.
                        type = "auto";
                    }
                }
                else
                {
                    throw WrongType("tool_choice", "a string or an object");
                }
            }

            if (!hasTools)
            {
                if (type is "any" or "tool")
                {
                    throw Invalid("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
                }

                return; // Anthropic gets neither tool_choice nor parallel settings without tools.
            }

            if (disableParallel && type is null)
            {
                type = "auto";
            }

            if (type is null || !Claim("tool_choice"))
            {
                return;
            }

            writer.WriteStartObject("tool_choice"u8);
            writer.WriteString("type"u8, type);
            if (type == "tool")
            {
                writer.WritePropertyName("name"u8);
                WriteRaw(writer, name);
            }

            if (disableParallel && type != "none")
            {
                writer.WriteBoolean("disable_parallel_tool_use"u8, true);
            }

            writer.WriteEndObject();
        }

        // ---- metadata and output format ------------------------------------------------------------

        private void WriteMetadata(Utf8JsonWriter writer, TapeElement user, string param)
        {
            if (IsAbsent(user))
            {
                return;
            }

            if (user.ValueKind != JsonValueKind.String)
            {
                throw WrongType(param, "a string");
            }

            if (user.IsEmptyString || !Claim("metadata"))
            {
                return;
            }

            writer.WriteStartObject("metadata"u8);
            writer.WritePropertyName("user_id"u8);
            WriteRaw(writer, user);
            writer.WriteEndObject();
        }

        /// <summary>
        /// <c>text.format</c>: <c>json_schema</c> -> <c>output_config.format</c> (as <see cref="OpenAIToAnthropic.ChatRequestToMessages"/>
        /// maps <c>response_format</c>); <c>text</c> sends nothing; <c>json_object</c> has no Anthropic form.
        /// <c>text.verbosity</c> has no Anthropic counterpart and is not sent.
        /// </summary>
        private void WriteTextFormat(Utf8JsonWriter writer, TapeElement text)
        {
            if (IsAbsent(text))
            {
                return;
            }

            if (text.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("text", "an object");
            }

            if (!text.TryGetProperty("format"u8, out var format) || IsAbsent(format))
            {
                return;
            }

            if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw WrongType("text.format.type", "a string");
            }

            if (type.ValueEquals("text"u8))
            {
                return;
            }

            if (type.ValueEquals("json_object"u8))
            {
                if (target.DropParams)
                {
                    return;
                }

                throw Invalid("text.format", "Invalid value for 'text.format.type': 'json_object' has no equivalent on this model; use 'json_schema'.");
            }

            if (!type.ValueEquals("json_schema"u8))
            {
                throw Invalid("text.format.type", $"Invalid value for 'text.format.type': '{type.GetString()}'. Supported values are: 'text', 'json_object' and 'json_schema'.");
            }

            if (!format.TryGetProperty("schema"u8, out var schema) || schema.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("text.format.schema", "an object");
            }

            if (!Claim("output_config"))
            {
                return;
            }

            writer.WriteStartObject("output_config"u8);
            writer.WriteStartObject("format"u8);
            writer.WriteString("type"u8, "json_schema"u8);
            writer.WritePropertyName("schema"u8);
            WriteRaw(writer, schema);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }
}
