using Bridge.Gateway.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;

namespace Bridge.Gateway.Translation.AnthropicToResponses;

// Top-level parameters: sampling, stop sequences, user, tools, tool_choice, reasoning, output format, defaults.
public static partial class AnthropicToResponsesRequest
{
    private sealed partial class State
    {
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

        /// <summary>Validated and returned, never sent: the Responses API has no stop sequences.</summary>
        private static List<string> ReadStopSequences(TapeElement stopSequences)
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

        /// <summary><c>sha256:</c> plus the hex digest, cut to 64 characters (as on the Chat Completions path).</summary>
        private static string HashUser(string value)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
            return ("sha256:" + Convert.ToHexStringLower(hash))[..MaxUserLength];
        }

        private List<string> WriteTools(Utf8JsonWriter writer, TapeElement tools, TapeElement toolChoice)
        {
            var dropped = new List<string>();
            var written = 0;
            var webSearch = false;
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
                        var typeName = type.GetString()!;
                        if (typeName.StartsWith("web_search_", StringComparison.Ordinal) && !webSearch)
                        {
                            // Anthropic's server-side web search has a Responses counterpart run by the provider.
                            StartTools(writer, ref written);
                            WriteWebSearchTool(writer, tool);
                            webSearch = true;
                            continue;
                        }

                        // Other server tools (bash_*, text_editor_*, code_execution_*, ...): no Responses form.
                        // Named in a header and a log line: the client chooses these strings, so keep them short.
                        var toolName = tool.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? Short(n.GetString()!) : "?";
                        dropped.Add($"{toolName} ({Short(typeName)})");
                        continue;
                    }

                    var name = RequireProperty(tool, "name", JsonValueKind.String, path).GetString()!;
                    if (name.Length == 0)
                    {
                        throw Invalid($"{path}.name: must be a non-empty string");
                    }

                    var schema = RequireProperty(tool, "input_schema", JsonValueKind.Object, path);
                    StartTools(writer, ref written);

                    // Responses' flat function tool. strict stays false: strict mode rewrites what the
                    // schema allows (every property required, no free-form objects), and Claude Code's
                    // JSON Schema 2020-12 tools are not written for it.
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, ResponsesItemTypes.Function);
                    writer.WriteString("name"u8, _names.ToUpstream(name));
                    if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
                    {
                        writer.WritePropertyName("description"u8);
                        WriteRaw(writer, description);
                    }

                    writer.WritePropertyName("parameters"u8);
                    WriteRaw(writer, schema);
                    writer.WriteBoolean("strict"u8, tool.TryGetProperty("strict"u8, out var strict) && strict.ValueKind == JsonValueKind.True);
                    writer.WriteEndObject();
                }

                if (written > 0)
                {
                    writer.WriteEndArray();
                }
            }

            WriteToolChoice(writer, toolChoice, hasTools: written > 0);
            return dropped;
        }

        private void StartTools(Utf8JsonWriter writer, ref int written)
        {
            if (written++ == 0)
            {
                writer.WriteStartArray("tools"u8);
                _written.Add("tools");
            }
        }

        /// <summary><c>{type: web_search}</c> with the Anthropic tool's <c>allowed_domains</c> and <c>user_location</c>.</summary>
        private static void WriteWebSearchTool(Utf8JsonWriter writer, TapeElement tool)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, ResponsesItemTypes.WebSearch);
            if (tool.TryGetProperty("allowed_domains"u8, out var domains) && domains.ValueKind == JsonValueKind.Array
                && domains.GetArrayLength() > 0)
            {
                writer.WriteStartObject("filters"u8);
                writer.WritePropertyName("allowed_domains"u8);
                WriteRaw(writer, domains);
                writer.WriteEndObject();
            }

            if (tool.TryGetProperty("user_location"u8, out var location) && location.ValueKind == JsonValueKind.Object)
            {
                // Same shape on both sides: {type: approximate, city, region, country, timezone}.
                writer.WritePropertyName("user_location"u8);
                WriteRaw(writer, location);
            }

            writer.WriteEndObject();
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
            var choice = type switch
            {
                "auto" => "auto",
                "any" => "required",
                "none" => "none",
                "tool" => null,
                _ => throw Invalid($"tool_choice.type: unknown value '{type}' (expected auto, any, tool or none)"),
            };
            var name = type == "tool" ? RequireProperty(toolChoice, "name", JsonValueKind.String, "tool_choice").GetString()! : null;

            if (!hasTools)
            {
                return; // tool_choice and parallel_tool_calls mean nothing without tools.
            }

            if (Allowed("tool_choice") && _written.Add("tool_choice"))
            {
                if (choice is not null)
                {
                    writer.WriteString("tool_choice"u8, choice);
                }
                else
                {
                    // Responses' flat form: {type: function, name}.
                    writer.WriteStartObject("tool_choice"u8);
                    writer.WriteString("type"u8, ResponsesItemTypes.Function);
                    writer.WriteString("name"u8, _names.ToUpstream(name!));
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

        /// <summary>
        /// The <c>reasoning.effort</c> to ask for, or null for none: only reasoning deployments, only
        /// when the client asked for thinking (<c>enabled</c>/<c>adaptive</c>) or an effort, never with
        /// <c>thinking.type: disabled</c>. Same scale as the Chat Completions path (docs/translation.md 1.2).
        /// </summary>
        private string? ReasoningEffort(TapeElement thinking, TapeElement outputConfig)
        {
            if (!target.IsReasoningModel)
            {
                return null;
            }

            string? thinkingType = null;
            if (thinking.ValueKind == JsonValueKind.Object && thinking.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String)
            {
                thinkingType = t.GetString();
            }

            if (thinkingType == "disabled")
            {
                return null;
            }

            if (outputConfig.ValueKind == JsonValueKind.Object
                && outputConfig.TryGetProperty("effort"u8, out var e) && e.ValueKind == JsonValueKind.String)
            {
                return e.GetString() switch
                {
                    "low" => "low",
                    "medium" => "medium",
                    "high" or "max" => "high",
                    var other => throw Invalid($"output_config.effort: unknown value '{other}' (expected low, medium, high or max)"),
                };
            }

            if (thinkingType == "enabled")
            {
                var budget = thinking.TryGetProperty("budget_tokens"u8, out var b) && b.TryGetInt32(out var value) ? value : 0;
                return budget switch
                {
                    < 4096 => "low",
                    < 16384 => "medium",
                    _ => "high",
                };
            }

            return thinkingType == "adaptive" ? "medium" : null;
        }

        /// <summary><c>output_config.format</c> json_schema -> <c>text.format</c> (Responses' flat json_schema form).</summary>
        private void WriteTextFormat(Utf8JsonWriter writer, TapeElement outputConfig)
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
            if (!Allowed("text") || !_written.Add("text"))
            {
                return;
            }

            writer.WriteStartObject("text"u8);
            writer.WriteStartObject("format"u8);
            writer.WriteString("type"u8, "json_schema"u8);
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
                if (Array.IndexOf(ReservedKeys, key) < 0)
                {
                    Emit(writer, key, value);
                }
            }
        }
    }
}
