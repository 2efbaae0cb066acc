using Bridge.Gateway.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

// Top-level parameters: limits, sampling, stop sequences, tools, tool_choice, metadata, reasoning, output format, defaults.
public static partial class AnthropicToOpenAIRequest
{
    private sealed partial class State
    {
        // ---- top-level parameters -------------------------------------------------------------

        private void WriteSampling(Utf8JsonWriter writer, TapeElement temperature, TapeElement topP)
        {
            if (temperature.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (temperature.ValueKind != JsonValueKind.Number)
                {
                    throw Invalid("temperature: must be a number");
                }

                Emit(writer, "temperature", temperature);
            }

            if (topP.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (topP.ValueKind != JsonValueKind.Number)
                {
                    throw Invalid("top_p: must be a number");
                }

                Emit(writer, "top_p", topP);
            }
        }

        private List<string> WriteStop(Utf8JsonWriter writer, TapeElement stopSequences)
        {
            if (stopSequences.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return [];
            }

            if (stopSequences.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("stop_sequences: must be an array of strings");
            }

            var stops = new List<string>(stopSequences.GetArrayLength());
            var index = 0;
            foreach (var stop in stopSequences.EnumerateArray())
            {
                if (stop.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"stop_sequences.{index}: must be a string");
                }

                stops.Add(stop.GetString()!);
                index++;
            }

            if (stops.Count > 0 && !target.IsReasoningModel && Allowed("stop") && _written.Add("stop"))
            {
                writer.WriteStartArray("stop"u8);
                for (var i = 0; i < stops.Count && i < MaxStopSequences; i++)
                {
                    writer.WriteStringValue(stops[i]);
                }

                writer.WriteEndArray();
            }

            return stops;
        }

        private void WriteUser(Utf8JsonWriter writer, TapeElement metadata)
        {
            if (metadata.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return;
            }

            if (metadata.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("metadata: must be an object");
            }

            if (!metadata.TryGetProperty("user_id"u8, out var userId) || userId.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (userId.ValueKind != JsonValueKind.String)
            {
                throw Invalid("metadata.user_id: must be a string");
            }

            var value = userId.GetString()!;
            if (value.Length == 0 || !Allowed("user") || !_written.Add("user"))
            {
                return;
            }

            writer.WriteString("user"u8, value.Length <= MaxUserLength ? value : HashUser(value));
        }

        /// <summary><c>sha256:</c> plus the hex digest, cut to 64 characters.</summary>
        internal static string HashUser(string value)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
            return ("sha256:" + Convert.ToHexStringLower(hash))[..MaxUserLength];
        }

        private List<string> WriteTools(Utf8JsonWriter writer, TapeElement tools, TapeElement toolChoice)
        {
            var dropped = new List<string>();
            var written = 0;
            if (tools.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (tools.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid("tools: must be an array");
                }

                var index = 0;
                foreach (var tool in tools.EnumerateArray())
                {
                    var path = $"tools.{index++}";
                    if (tool.ValueKind != JsonValueKind.Object)
                    {
                        throw Invalid($"{path}: must be an object");
                    }

                    if (tool.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
                        && !type.ValueEquals("custom"u8))
                    {
                        // Anthropic server tools (web_search_20250305, bash_20250124, ...) have no
                        // OpenAI function form: dropped and reported.
                        // Named in a header and a log line: the client chooses these strings, so keep them short.
                        var toolName = tool.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? Short(n.GetString()!) : "?";
                        dropped.Add($"{toolName} ({Short(type.GetString()!)})");
                        continue;
                    }

                    var name = RequireProperty(tool, "name", JsonValueKind.String, path).GetString()!;
                    if (name.Length == 0)
                    {
                        throw Invalid($"{path}.name: must be a non-empty string");
                    }

                    var schema = RequireProperty(tool, "input_schema", JsonValueKind.Object, path);
                    if (written++ == 0)
                    {
                        writer.WriteStartArray("tools"u8);
                    }

                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, _names.ToUpstream(name));
                    if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                    {
                        writer.WritePropertyName("description"u8);
                        WriteRaw(writer, description);
                    }

                    writer.WritePropertyName("parameters"u8);
                    WriteRaw(writer, schema);
                    if (tool.TryGetProperty("strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        writer.WriteBoolean("strict"u8, strict.ValueKind == JsonValueKind.True);
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

            WriteToolChoice(writer, toolChoice, hasTools: written > 0);
            return dropped;
        }

        private void WriteToolChoice(Utf8JsonWriter writer, TapeElement toolChoice, bool hasTools)
        {
            if (toolChoice.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return;
            }

            if (toolChoice.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("tool_choice: must be an object");
            }

            var type = RequireProperty(toolChoice, "type", JsonValueKind.String, "tool_choice").GetString();
            string? name = null;
            var choice = type switch
            {
                "auto" => "auto",
                "any" => "required",
                "none" => "none",
                "tool" => null,
                _ => throw Invalid($"tool_choice.type: unknown value '{type}' (expected auto, any, tool or none)"),
            };
            if (type == "tool")
            {
                name = RequireProperty(toolChoice, "name", JsonValueKind.String, "tool_choice").GetString()!;
            }

            if (!hasTools)
            {
                return; // OpenAI rejects tool_choice and parallel_tool_calls without tools.
            }

            if (Allowed("tool_choice") && _written.Add("tool_choice"))
            {
                if (choice is not null)
                {
                    writer.WriteString("tool_choice"u8, choice);
                }
                else
                {
                    writer.WriteStartObject("tool_choice"u8);
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, _names.ToUpstream(name!));
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
            }

            if (toolChoice.TryGetProperty("disable_parallel_tool_use"u8, out var disable)
                && disable.ValueKind == JsonValueKind.True
                && type != "none"
                && Allowed("parallel_tool_calls") && _written.Add("parallel_tool_calls"))
            {
                writer.WriteBoolean("parallel_tool_calls"u8, false);
            }
        }

        private void WriteReasoningEffort(Utf8JsonWriter writer, TapeElement thinking, TapeElement outputConfig)
        {
            if (!target.IsReasoningModel)
            {
                return;
            }

            string? thinkingType = null;
            if (thinking.ValueKind == JsonValueKind.Object && thinking.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String)
            {
                thinkingType = t.GetString();
            }

            if (thinkingType == "disabled")
            {
                return;
            }

            string? effort = null;
            if (outputConfig.ValueKind == JsonValueKind.Object
                && outputConfig.TryGetProperty("effort"u8, out var e) && e.ValueKind == JsonValueKind.String)
            {
                effort = e.GetString() switch
                {
                    "low" => "low",
                    "medium" => "medium",
                    "high" or "max" => "high",
                    var other => throw Invalid($"output_config.effort: unknown value '{other}' (expected low, medium, high or max)"),
                };
            }

            if (effort is null && thinkingType == "enabled")
            {
                var budget = thinking.TryGetProperty("budget_tokens"u8, out var b) && b.TryGetInt32(out var value) ? value : 0;
                effort = budget switch
                {
                    < 4096 => "low",
                    < 16384 => "medium",
                    _ => "high",
                };
            }
            else if (effort is null && thinkingType == "adaptive")
            {
                effort = "medium";
            }

            if (effort is not null && Allowed("reasoning_effort") && _written.Add("reasoning_effort"))
            {
                writer.WriteString("reasoning_effort"u8, effort);
            }
        }

        private void WriteResponseFormat(Utf8JsonWriter writer, TapeElement outputConfig)
        {
            if (outputConfig.ValueKind != JsonValueKind.Object
                || !outputConfig.TryGetProperty("format"u8, out var format)
                || format.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (format.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("output_config.format: must be an object");
            }

            var type = RequireProperty(format, "type", JsonValueKind.String, "output_config.format");
            if (!type.ValueEquals("json_schema"u8))
            {
                throw Invalid($"output_config.format.type: unknown value '{type.GetString()}' (expected json_schema)");
            }

            var schema = RequireProperty(format, "schema", JsonValueKind.Object, "output_config.format");
            if (!Allowed("response_format") || !_written.Add("response_format"))
            {
                return;
            }

            writer.WriteStartObject("response_format"u8);
            writer.WriteString("type"u8, "json_schema"u8);
            writer.WriteStartObject("json_schema"u8);
            writer.WriteString("name"u8, "output"u8);
            writer.WritePropertyName("schema"u8);
            WriteRaw(writer, schema);
            writer.WriteBoolean("strict"u8, true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        private void WriteDefaults(Utf8JsonWriter writer)
        {
            foreach (var (key, value) in DefaultParamTapes.Of(target.DefaultParams))
            {
                if (Array.IndexOf(ReservedKeys, key) >= 0)
                {
                    continue;
                }

                // max_tokens is always written under the deployment's own name.
                if (key is "max_tokens" or "max_completion_tokens")
                {
                    continue;
                }

                Emit(writer, key, value);
            }
        }
    }
}
