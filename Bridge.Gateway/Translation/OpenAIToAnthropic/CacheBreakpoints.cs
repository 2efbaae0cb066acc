using System.Runtime.CompilerServices;
using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// Decides which messages of an OpenAI-format conversation get an Anthropic cache breakpoint
/// (<c>cache_control</c> on the last block the message becomes), before the translators write them.
/// <list type="bullet">
/// <item>Configured points (<c>cache_control_injection_points</c>) are applied the way LiteLLM's
/// <c>AnthropicCacheControlHook</c> does: in config order; an <c>index</c> (negative from the end) names one
/// message, otherwise every message of the <c>role</c>; a message the client already marked is left as it is;
/// injection stops once the request holds <see cref="AnthropicLimit"/> breakpoints, the client's included.</item>
/// <item>Nothing configured: Bridge's default, only when the client marked nothing (its breakpoints are its
/// choice): the last system message (it caches the tools too, which come before it in Anthropic's prefix), or the
/// last tool without a system prompt; the last message; and the end of the previous turn (the last user or tool
/// message before the last assistant message), which was the last message of the previous request, so the
/// prefix it cached is found again even when more than 20 blocks came since (Anthropic looks back 20 blocks
/// from a breakpoint). At most three.</item>
/// <item>An empty configured list turns injection off.</item>
/// </list>
/// Only where a breakpoint goes is decided here; nothing is reordered, so the prefix stays stable.
/// </summary>
internal static class CacheBreakpoints
{
    /// <summary>Anthropic refuses a request with more blocks marked than this.</summary>
    public const int AnthropicLimit = 4;

    private static readonly ConditionalWeakTable<CacheControlInjectionPoint, StrongBox<TapeElement>> Controls = new();

    /// <summary>A configured point's <c>cache_control</c> value as the translators read it (parsed once per point).</summary>
    private static TapeElement ControlOf(CacheControlInjectionPoint point) =>
        Controls.GetValue(point, p => new StrongBox<TapeElement>(DefaultParamTapes.Parse(p.Control))).Value!;

    private static readonly TapeElement Ephemeral = JsonTape.Parse("""{"type":"ephemeral"}"""u8.ToArray()).Root;

    /// <summary>
    /// The breakpoint for each message (<c>default</c> where none; message-level marks the client sent are kept
    /// there too), and for the last tool. Null when nothing is added.
    /// </summary>
    /// <param name="target">The deployment's points, and whether Bridge's default applies without them.</param>
    /// <param name="roles">Each message's OpenAI role, as LiteLLM matches it.</param>
    /// <param name="clientMarks">How many <c>cache_control</c> the client put on each message (message and parts).</param>
    /// <param name="clientToolMarks">The client's <c>cache_control</c> on tool definitions.</param>
    public static Plan? Resolve(AnthropicTarget target, ReadOnlySpan<string?> roles, ReadOnlySpan<int> clientMarks, int clientToolMarks, bool hasTools)
    {
        var configured = target.CacheControlInjectionPoints;
        var used = clientToolMarks;
        foreach (var count in clientMarks) used += count;
        if (configured is null) return target.DefaultCacheBreakpoints && used == 0 ? Default(roles, hasTools) : null;

        TapeElement[]? marks = null;
        foreach (var point in configured)
        {
            if (used >= AnthropicLimit) break;
            if (point.Index is { } index)
            {
                var at = index < 0 ? index + roles.Length : index;
                if (at >= 0 && at < roles.Length) Mark(at, ControlOf(point), roles.Length, clientMarks, ref marks, ref used);
                continue;
            }
            for (var i = 0; i < roles.Length && used < AnthropicLimit; i++)
            {
                if (string.Equals(roles[i], point.Role, StringComparison.Ordinal)) Mark(i, ControlOf(point), roles.Length, clientMarks, ref marks, ref used);
            }
        }
        return marks is null ? null : new Plan(marks, default);
    }

    private static void Mark(int at, TapeElement control, int count, ReadOnlySpan<int> clientMarks, ref TapeElement[]? marks, ref int used)
    {
        // LiteLLM never overwrites a message that carries cache_control already, the client's or an earlier point's.
        if (clientMarks[at] > 0 || (marks is not null && marks[at].ValueKind != JsonValueKind.Undefined)) return;
        marks ??= new TapeElement[count];
        marks[at] = control;
        used++;
    }

    private static Plan? Default(ReadOnlySpan<string?> roles, bool hasTools)
    {
        if (roles.Length == 0) return null;
        var marks = new TapeElement[roles.Length];
        var lastSystem = -1;
        var lastAssistant = -1;
        for (var i = 0; i < roles.Length; i++)
        {
            if (IsSystem(roles[i])) lastSystem = i;
            else if (roles[i] == "assistant" && i < roles.Length - 1) lastAssistant = i;
        }
        if (lastSystem >= 0) marks[lastSystem] = Ephemeral;
        var last = roles.Length - 1;
        if (!IsSystem(roles[last])) marks[last] = Ephemeral;
        for (var i = lastAssistant - 1; i >= 0; i--)
        {
            if (roles[i] is "user" or "tool")
            {
                marks[i] = Ephemeral;
                break;
            }
        }
        return new Plan(marks, lastSystem < 0 && hasTools ? Ephemeral : default);
    }

    private static bool IsSystem(string? role) => role is "system" or "developer";

    /// <summary>
    /// Breakpoints decided: <see cref="Messages"/> by message index, <see cref="LastTool"/> for the last tool
    /// definition (<c>default</c>: none).
    /// </summary>
    public sealed record Plan(TapeElement[] Messages, TapeElement LastTool)
    {
        public TapeElement At(int message) => message < Messages.Length ? Messages[message] : default;
    }
}
