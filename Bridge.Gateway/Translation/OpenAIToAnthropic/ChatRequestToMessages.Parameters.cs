using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

// Top-level parameters: limits, sampling, stop sequences, tools, tool_choice, metadata, output format, defaults.
public static partial class ChatRequestToMessages
{
    private sealed partial class State
    {
        // ---- top-level parameters -------------------------------------------------------------

        private void WriteSampling(Utf8JsonWriter writer, TapeElement temperature, TapeElement topP)
        {
            if (!IsAbsent(temperature))
            {
                if (temperature.ValueKind != JsonValueKind.Number)
                {
                    throw WrongType("temperature", "a number");
                }

                var value = temperature.GetDouble();
                if (value < 0)
                {
                    throw Invalid("temperature", $"Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got {temperature.GetRawText()} instead.");
                }

                if (Claim("temperature"))
                {
                    if (value > 1)
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

        private void WriteStop(Utf8JsonWriter writer, TapeElement stop)
        {
            if (IsAbsent(stop))
            {
                return;
            }

            if (stop.ValueKind == JsonValueKind.String)
            {
                if (!stop.IsEmptyString && Claim("stop_sequences"))
                {
                    writer.WriteStartArray("stop_sequences"u8);
                    WriteRaw(writer, stop);
                    writer.WriteEndArray();
                }

                return;
            }

            if (stop.ValueKind != JsonValueKind.Array)
            {
                throw WrongType("stop", "a string or an array of strings");
            }

            var started = false;
            var j = 0;
            foreach (var item in stop.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw WrongType($"stop[{j}]", "a string");
                }

                j++;
                if (item.IsEmptyString)
                {
                    continue;
                }

                if (!started)
                {
                    if (!Claim("stop_sequences"))
                    {
                        return;
                    }

                    started = true;
                    writer.WriteStartArray("stop_sequences"u8);
                }

                WriteRaw(writer, item);
            }

            if (started)
            {
                writer.WriteEndArray();
            }
        }

        private void WriteTools(Utf8JsonWriter writer, TapeElement tools, TapeElement toolChoice, TapeElement parallelToolCalls)
        {
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
                    if (tool.ValueKind != JsonValueKind.Object)
                    {
                        throw WrongType(path, "an object");
                    }

                    if (!tool.TryGetProperty("type"u8, out var type) || !type.ValueEquals("function"u8))
                    {
                        throw Invalid($"{path}.type", $"Invalid value for '{path}.type': only 'function' tools are supported.");
                    }

                    if (!tool.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object)
                    {
                        throw WrongType($"{path}.function", "an object");
                    }

                    if (!function.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String || name.IsEmptyString)
                    {
                        throw WrongType($"{path}.function.name", "a non-empty string");
                    }

                    var hasSchema = function.TryGetProperty("parameters"u8, out var parameters) && !IsAbsent(parameters);
                    if (hasSchema && parameters.ValueKind != JsonValueKind.Object)
                    {
                        throw WrongType($"{path}.function.parameters", "an object");
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
                    writer.WritePropertyName("name"u8);
                    WriteRaw(writer, name);
                    if (function.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                    {
                        writer.WritePropertyName("description"u8);
                        WriteRaw(writer, description);
                    }

                    writer.WritePropertyName("input_schema"u8);
                    WriteSchema(writer, hasSchema ? parameters : default);
                    WriteControl(writer, ToolControl(tool, last: j == count));
                    writer.WriteEndObject();
                }

                if (written > 0)
                {
                    writer.WriteEndArray();
                }
            }

            WriteToolChoice(writer, toolChoice, parallelToolCalls, hasTools: written > 0);
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

        /// <summary><c>"required"</c> or a named function: what becomes Anthropic's <c>any</c> or <c>tool</c>.</summary>
        private static bool ForcesTool(TapeElement toolChoice) =>
            toolChoice.ValueKind switch
            {
                JsonValueKind.String => toolChoice.ValueEquals("required"u8),
                JsonValueKind.Object => toolChoice.TryGetProperty("type"u8, out var type) && type.ValueEquals("function"u8),
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
                    if (!toolChoice.TryGetProperty("type"u8, out var choiceType) || !choiceType.ValueEquals("function"u8))
                    {
                        throw Invalid("tool_choice.type", "Invalid value for 'tool_choice.type': only 'function' is supported.");
                    }

                    if (!toolChoice.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object
                        || !function.TryGetProperty("name"u8, out name) || name.ValueKind != JsonValueKind.String)
                    {
                        throw WrongType("tool_choice.function.name", "a string");
                    }

                    type = "tool";
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

        private void WriteResponseFormat(Utf8JsonWriter writer, TapeElement responseFormat)
        {
            if (IsAbsent(responseFormat))
            {
                return;
            }

            if (responseFormat.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("response_format", "an object");
            }

            if (!responseFormat.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid("response_format.type", "Missing required parameter: 'response_format.type'.");
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

                throw Invalid(
                    "response_format",
                    "Invalid value for 'response_format.type': 'json_object' has no equivalent on this model; use 'json_schema'.");
            }

            if (!type.ValueEquals("json_schema"u8))
            {
                throw Invalid("response_format.type", $"Invalid value for 'response_format.type': '{type.GetString()}'. Supported values are: 'text', 'json_object' and 'json_schema'.");
            }

            if (!responseFormat.TryGetProperty("json_schema"u8, out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object
                || !jsonSchema.TryGetProperty("schema"u8, out var schema) || schema.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("response_format.json_schema.schema", "an object");
            }

            if (Dropped("response_format") || !Claim("output_config"))
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

        private void WriteDefaults(Utf8JsonWriter writer, bool thinkingOn)
        {
            // Only Anthropic's own sampling key is written as is; the OpenAI-named defaults were merged into the
            // request before translation.
            if (!thinkingOn && DefaultParamTapes.Of(target.DefaultParams).TryGetValue("top_k", out var topK) && Claim("top_k"))
            {
                writer.WritePropertyName("top_k"u8);
                topK.WriteTo(writer);
            }
        }
    }
}
