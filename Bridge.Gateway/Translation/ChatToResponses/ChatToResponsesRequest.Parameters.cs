using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;

namespace Bridge.Gateway.Translation.ChatToResponses;

// Top-level parameters: n, stream options, limits, reasoning, sampling, stop, logprobs, tools, tool_choice, text.
public static partial class ChatToResponsesRequest
{
    private sealed partial class State
    {
        private static void ReadN(TapeElement n)
        {
            if (IsAbsent(n))
            {
                return;
            }

            if (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out var value))
            {
                throw WrongType("n", "an integer");
            }

            if (value < 1)
            {
                throw Invalid("n", "Invalid 'n': must be at least 1.");
            }

            if (value > 1)
            {
                throw Invalid("n", "'n' greater than 1 is not supported by this model (the Responses API returns one choice).");
            }
        }

        private static bool ReadIncludeUsage(TapeElement streamOptions)
        {
            if (IsAbsent(streamOptions))
            {
                return false;
            }

            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("stream_options", "an object");
            }

            if (!streamOptions.TryGetProperty("include_usage"u8, out var includeUsage) || IsAbsent(includeUsage))
            {
                return false;
            }

            return includeUsage.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw WrongType("stream_options.include_usage", "a boolean"),
            };
        }

        private static int? ReadLimit(TapeElement value, string param)
        {
            if (IsAbsent(value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var limit))
            {
                throw WrongType(param, "an integer");
            }

            if (limit < 1)
            {
                throw Invalid(param, $"Invalid '{param}': integer below minimum value. Expected a value >= 1, but got {limit} instead.");
            }

            return limit;
        }

        private static string? ReadEffort(TapeElement effort)
        {
            if (IsAbsent(effort))
            {
                return null;
            }

            if (effort.ValueKind != JsonValueKind.String)
            {
                throw WrongType("reasoning_effort", "a string");
            }

            return effort.GetString() switch
            {
                // The Responses API's reasoning.effort takes the same values.
                var value when value is "none" or "minimal" or "low" or "medium" or "high" or "xhigh" => value,
                var other => throw Invalid(
                    "reasoning_effort",
                    $"Invalid value for 'reasoning_effort': '{other}'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'."),
            };
        }

        /// <summary>
        /// Reasoning deployments only (others refuse a <c>reasoning</c> object: the effort is named as dropped).
        /// <c>none</c> asks for no reasoning, so no summary and no encrypted content either. True when the
        /// encrypted reasoning is to be asked for (<see cref="WriteInclude"/>).
        /// </summary>
        private bool WriteReasoning(Utf8JsonWriter writer, string? effort)
        {
            if (effort is null || !Allowed("reasoning"))
            {
                return false;
            }

            if (!target.IsReasoningModel)
            {
                Drop("reasoning_effort");
                return false;
            }

            writer.WriteStartObject("reasoning"u8);
            writer.WriteString("effort"u8, effort);
            if (effort != "none")
            {
                writer.WriteString("summary"u8, "auto"u8);
            }

            writer.WriteEndObject();
            _written.Add("reasoning");
            return effort != "none";
        }

        /// <summary>
        /// With <c>store: false</c> the reasoning item comes back only when asked for (docs/translation.md 6);
        /// log probabilities only come inside output_text parts when asked for.
        /// </summary>
        private void WriteInclude(Utf8JsonWriter writer, bool encryptedReasoning, bool outputLogprobs)
        {
            if ((!encryptedReasoning && !outputLogprobs) || !Allowed("include") || !_written.Add("include"))
            {
                return;
            }

            writer.WriteStartArray("include"u8);
            if (encryptedReasoning)
            {
                writer.WriteStringValue(ResponsesItemTypes.IncludeEncryptedReasoning);
            }

            if (outputLogprobs)
            {
                writer.WriteStringValue(ResponsesItemTypes.IncludeOutputLogprobs);
            }

            writer.WriteEndArray();
        }

        private void WriteSampling(Utf8JsonWriter writer, TapeElement temperature, TapeElement topP)
        {
            if (!IsAbsent(temperature))
            {
                if (temperature.ValueKind != JsonValueKind.Number)
                {
                    throw WrongType("temperature", "a number");
                }

                Emit(writer, "temperature", temperature);
            }

            if (!IsAbsent(topP))
            {
                if (topP.ValueKind != JsonValueKind.Number)
                {
                    throw WrongType("top_p", "a number");
                }

                Emit(writer, "top_p", topP);
            }
        }

        /// <summary>Validated, never sent: the Responses API has no stop sequences.</summary>
        private void ReadStop(TapeElement stop)
        {
            if (IsAbsent(stop))
            {
                return;
            }

            if (stop.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var entry in stop.EnumerateArray())
                {
                    if (entry.ValueKind != JsonValueKind.String)
                    {
                        throw WrongType($"stop[{index}]", "a string");
                    }

                    index++;
                }

                if (index == 0)
                {
                    return;
                }
            }
            else if (stop.ValueKind != JsonValueKind.String)
            {
                throw WrongType("stop", "a string or an array of strings");
            }

            Drop("stop");
        }

        /// <summary>
        /// <c>logprobs: true</c> asks for the log probabilities Responses returns inside output_text parts (the
        /// response translators copy them into the chat <c>logprobs</c>, same entry shape); <c>top_logprobs</c> is
        /// the same top-level field. Reasoning deployments refuse both: dropped and named. True when asked for.
        /// </summary>
        private bool WriteLogprobs(Utf8JsonWriter writer, TapeElement logprobs, TapeElement topLogprobs)
        {
            var wanted = false;
            if (!IsAbsent(logprobs))
            {
                if (logprobs.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw WrongType("logprobs", "a boolean");
                }

                wanted = logprobs.ValueKind == JsonValueKind.True;
            }

            if (!IsAbsent(topLogprobs))
            {
                if (topLogprobs.ValueKind != JsonValueKind.Number || !topLogprobs.TryGetInt32(out var top))
                {
                    throw WrongType("top_logprobs", "an integer");
                }

                if (!wanted)
                {
                    throw Invalid("top_logprobs", "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
                }

                if (top is < 0 or > 20)
                {
                    throw Invalid("top_logprobs", $"Invalid 'top_logprobs': expected a value between 0 and 20, but got {top} instead.");
                }
            }

            if (!wanted)
            {
                return false;
            }

            if (target.IsReasoningModel)
            {
                Drop("logprobs");
                if (!IsAbsent(topLogprobs))
                {
                    Drop("top_logprobs");
                }

                return false;
            }

            if (!IsAbsent(topLogprobs))
            {
                Emit(writer, "top_logprobs", topLogprobs);
            }

            return true;
        }

        /// <summary>Chat's nested <c>{type: function, function: {...}}</c> -> Responses' flat function tool; custom tools likewise.</summary>
        private bool WriteTools(Utf8JsonWriter writer, TapeElement tools)
        {
            if (IsAbsent(tools))
            {
                return false;
            }

            if (tools.ValueKind != JsonValueKind.Array)
            {
                throw WrongType("tools", "an array");
            }

            if (tools.GetArrayLength() == 0 || !Allowed("tools"))
            {
                return false;
            }

            writer.WriteStartArray("tools"u8);
            _written.Add("tools");
            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var path = $"tools[{index++}]";
                if (tool.ValueKind != JsonValueKind.Object)
                {
                    throw WrongType(path, "an object");
                }

                var type = tool.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type is not ("function" or "custom"))
                {
                    throw Invalid($"{path}.type", $"Invalid value for '{path}.type': only 'function' and 'custom' tools are supported.");
                }

                if (!tool.TryGetProperty(type, out var definition) || definition.ValueKind != JsonValueKind.Object)
                {
                    throw WrongType($"{path}.{type}", "an object");
                }

                if (!definition.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String || name.ValueEquals(""u8))
                {
                    throw WrongType($"{path}.{type}.name", "a non-empty string");
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, type);
                writer.WritePropertyName("name"u8);
                WriteRaw(writer, name);
                if (definition.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                {
                    writer.WritePropertyName("description"u8);
                    WriteRaw(writer, description);
                }

                if (type == "function")
                {
                    writer.WritePropertyName("parameters"u8);
                    if (definition.TryGetProperty("parameters"u8, out var parameters) && !IsAbsent(parameters))
                    {
                        if (parameters.ValueKind != JsonValueKind.Object)
                        {
                            throw WrongType($"{path}.function.parameters", "an object");
                        }

                        WriteRaw(writer, parameters);
                    }
                    else
                    {
                        // Chat allows a function without parameters; Responses requires the field.
                        writer.WriteStartObject();
                        writer.WriteString("type"u8, "object"u8);
                        writer.WriteStartObject("properties"u8);
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    // Always written: Chat's strict defaults to false, Responses' to true.
                    writer.WriteBoolean("strict"u8, definition.TryGetProperty("strict"u8, out var strict) && strict.ValueKind == JsonValueKind.True);
                }
                else if (definition.TryGetProperty("format"u8, out var format) && format.ValueKind == JsonValueKind.Object)
                {
                    writer.WritePropertyName("format"u8);
                    WriteRaw(writer, format);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            return true;
        }

        private void WriteToolChoice(Utf8JsonWriter writer, TapeElement toolChoice, TapeElement parallelToolCalls, bool hasTools)
        {
            if (!IsAbsent(parallelToolCalls))
            {
                if (parallelToolCalls.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw WrongType("parallel_tool_calls", "a boolean");
                }

                if (hasTools)
                {
                    Emit(writer, "parallel_tool_calls", parallelToolCalls);
                }
            }

            if (IsAbsent(toolChoice))
            {
                return;
            }

            if (toolChoice.ValueKind == JsonValueKind.String)
            {
                var value = toolChoice.GetString();
                if (value is not ("none" or "auto" or "required"))
                {
                    throw Invalid("tool_choice", $"Invalid value for 'tool_choice': '{value}'. Supported values are: 'none', 'auto' and 'required'.");
                }

                if (hasTools)
                {
                    Emit(writer, "tool_choice", toolChoice);
                }

                return;
            }

            if (toolChoice.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("tool_choice", "a string or an object");
            }

            var type = toolChoice.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type is not ("function" or "custom"))
            {
                throw Invalid("tool_choice.type", "Invalid value for 'tool_choice.type': only 'function' and 'custom' are supported.");
            }

            if (!toolChoice.TryGetProperty(type, out var named) || named.ValueKind != JsonValueKind.Object
                || !named.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw WrongType($"tool_choice.{type}.name", "a string");
            }

            if (!hasTools)
            {
                throw Invalid("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
            }

            if (Allowed("tool_choice") && _written.Add("tool_choice"))
            {
                // Responses' flat form: {type: function, name}.
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, type);
                writer.WritePropertyName("name"u8);
                WriteRaw(writer, name);
                writer.WriteEndObject();
            }
        }

        /// <summary><c>response_format</c> -> <c>text.format</c> (json_schema flattened), <c>verbosity</c> -> <c>text.verbosity</c>.</summary>
        private void WriteText(Utf8JsonWriter writer, TapeElement responseFormat, TapeElement verbosity)
        {
            string? type = null;
            var schema = default(TapeElement);
            if (!IsAbsent(responseFormat))
            {
                if (responseFormat.ValueKind != JsonValueKind.Object)
                {
                    throw WrongType("response_format", "an object");
                }

                type = responseFormat.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                switch (type)
                {
                    case "text" or "json_object":
                        break;
                    case "json_schema":
                        if (!responseFormat.TryGetProperty("json_schema"u8, out schema) || schema.ValueKind != JsonValueKind.Object)
                        {
                            throw Invalid("response_format.json_schema", "Missing required parameter: 'response_format.json_schema'.");
                        }

                        if (!schema.TryGetProperty("name"u8, out var schemaName) || schemaName.ValueKind != JsonValueKind.String)
                        {
                            throw Invalid("response_format.json_schema.name", "Missing required parameter: 'response_format.json_schema.name'.");
                        }

                        break;
                    case null:
                        throw Invalid("response_format.type", "Missing required parameter: 'response_format.type'.");
                    default:
                        throw Invalid(
                            "response_format.type",
                            $"Invalid value for 'response_format.type': '{type}'. Supported values are: 'text', 'json_object' and 'json_schema'.");
                }
            }

            if (!IsAbsent(verbosity) && verbosity.ValueKind != JsonValueKind.String)
            {
                throw WrongType("verbosity", "a string");
            }

            var hasVerbosity = !IsAbsent(verbosity) && Allowed("verbosity");
            if ((type is null && !hasVerbosity) || !Allowed("text") || !_written.Add("text"))
            {
                return;
            }

            writer.WriteStartObject("text"u8);
            if (type is not null)
            {
                writer.WriteStartObject("format"u8);
                writer.WriteString("type"u8, type);
                if (type == "json_schema")
                {
                    // Chat's {name, description, schema, strict} moves up beside type.
                    foreach (var property in schema.EnumerateObject())
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            if (hasVerbosity)
            {
                writer.WritePropertyName("verbosity"u8);
                WriteRaw(writer, verbosity);
            }

            writer.WriteEndObject();
        }
    }
}
