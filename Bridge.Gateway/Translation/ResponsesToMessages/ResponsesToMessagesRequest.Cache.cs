using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;

namespace Bridge.Gateway.Translation.ResponsesToMessages;

// Cache breakpoints (CacheBreakpoints), on the conversation as LiteLLM sees a Responses request: instructions first
// as a system message, then one message per input item (a string input is one user message). Tool calls and
// reasoning items count as assistant messages, tool outputs as tool messages. A breakpoint on a reasoning item is
// not written (Anthropic cannot mark thinking blocks). The Responses API has no cache_control of its own.
public static partial class ResponsesToMessagesRequest
{
    private sealed partial class State
    {
        /// <summary>Per message (instructions first when present), the cache_control of its last block.</summary>
        private TapeElement[]? _marks;
        /// <summary>Per message, the content part its last block comes from (-1: the whole string, call or output).</summary>
        private int[]? _lastParts;
        /// <summary>1 when <c>instructions</c> take message 0.</summary>
        private int _offset;
        private TapeElement _lastToolMark;

        private void PlanCache(TapeElement instructions, TapeElement input, TapeElement tools)
        {
            if (target.CacheControlInjectionPoints is { Count: 0 } || (target.CacheControlInjectionPoints is null && !target.DefaultCacheBreakpoints))
            {
                return;
            }

            _offset = instructions.ValueKind == JsonValueKind.String ? 1 : 0;
            var count = _offset + (input.ValueKind == JsonValueKind.Array ? input.GetArrayLength() : 1);
            var roles = new string?[count];
            if (_offset == 1)
            {
                roles[0] = "system";
            }

            if (input.ValueKind == JsonValueKind.Array)
            {
                var i = _offset;
                foreach (var item in input.EnumerateArray())
                {
                    roles[i++] = LiteLLMRole(item);
                }
            }
            else
            {
                roles[_offset] = "user";
            }

            var hasTools = tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0 && !Dropped("tools");
            var plan = CacheBreakpoints.Resolve(target, roles, new int[count], 0, hasTools);
            if (plan is null)
            {
                return;
            }

            _marks = plan.Messages;
            _lastToolMark = plan.LastTool;
            _lastParts = new int[count];
            if (input.ValueKind == JsonValueKind.Array)
            {
                var i = _offset;
                foreach (var item in input.EnumerateArray())
                {
                    _lastParts[i] = _marks[i].ValueKind == JsonValueKind.Object ? LastPartOf(item) : -2;
                    i++;
                }
            }
            else
            {
                _lastParts[_offset] = -1;
            }

            if (_offset == 1)
            {
                _lastParts[0] = -1;
            }
        }

        private static string? LiteLLMRole(TapeElement item)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var type = item.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return type switch
            {
                null or "message" => item.TryGetProperty("role"u8, out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : null,
                "function_call" or "custom_tool_call" or "reasoning" => "assistant",
                "function_call_output" or "custom_tool_call_output" => "tool",
                _ => null,
            };
        }

        /// <summary>The content part whose block is the item's last (-1: no content array; -2: no part becomes a block).</summary>
        private static int LastPartOf(TapeElement item)
        {
            if (!item.TryGetProperty("content"u8, out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return -1;
            }

            var last = -2;
            var j = 0;
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
                    && (type.ValueEquals("input_image"u8)
                        || (part.TryGetProperty(type.ValueEquals("refusal"u8) ? "refusal"u8 : "text"u8, out var text)
                            && text.ValueKind == JsonValueKind.String && !text.IsEmptyString)))
                {
                    last = j;
                }

                j++;
            }

            return last;
        }

        /// <summary>The cache_control of the block written from part <paramref name="part"/> (-1: the whole item) of input item <paramref name="item"/> (-1: instructions).</summary>
        private TapeElement ControlFor(int item, int part)
        {
            var at = item + _offset;
            return _marks is not null && at >= 0 && _lastParts![at] == part ? _marks[at] : default;
        }

        private static void WriteControl(Utf8JsonWriter writer, TapeElement control)
        {
            if (control.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            writer.WritePropertyName("cache_control"u8);
            WriteRaw(writer, control);
        }
    }
}
