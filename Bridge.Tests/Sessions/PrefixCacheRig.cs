using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bridge.Tests.Sessions;

/// <summary>One request as a prefix-caching fake deployment served it.</summary>
public sealed record ServedRequest(string Deployment, string? Session, string? PromptCacheKey, int PromptTokens, int CachedTokens);

/// <summary>
/// OpenAI-format deployments on one loopback server (<c>{BaseUrl}/{name}/v1/chat/completions</c>), each emulating a
/// provider's prompt cache. The prompt is a sequence of units (the <c>tools</c> array, then each message, as JSON
/// text); a unit costs one token per 4 characters. A deployment's cached tokens for a request are the tokens of the
/// longest run of leading units it has received before in any request (a prefix it has seen), reported in
/// <c>usage.prompt_tokens_details.cached_tokens</c>. The answer depends only on the last message, never on the
/// deployment, so every run of a workload sends the same conversations.
/// </summary>
public sealed partial class PrefixCacheRig : IAsyncDisposable
{
    private readonly FakeUpstream _server;
    private readonly ConcurrentDictionary<string, HashSet<string>> _seen = new(StringComparer.Ordinal);

    private PrefixCacheRig(FakeUpstream server) => _server = server;

    public ConcurrentQueue<ServedRequest> Served { get; } = new();

    /// <summary>Deployments that answer 429 (with Retry-After) instead, while listed.</summary>
    public ConcurrentDictionary<string, bool> RateLimited { get; } = new(StringComparer.Ordinal);

    public string ApiBase(string deployment) => $"{_server.BaseUrl}/{deployment}/v1";

    public static async Task<PrefixCacheRig> StartAsync()
    {
        var rig = new PrefixCacheRig(await FakeUpstream.StartAsync());
        rig._server.Handler = rig.HandleAsync;
        return rig;
    }

    private Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        var deployment = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
        if (RateLimited.ContainsKey(deployment)) return OpenAIResponses.WriteErrorAsync(context, 429, "slow down", "rate_limit_exceeded", retryAfterSeconds: 30);

        using var document = JsonDocument.Parse(request.Body);
        var root = document.RootElement;
        var units = new List<string>();
        if (root.TryGetProperty("tools", out var tools)) units.Add(tools.GetRawText());
        foreach (var message in root.GetProperty("messages").EnumerateArray()) units.Add(message.GetRawText());

        int prompt = 0, cached = 0;
        var seen = _seen.GetOrAdd(deployment, _ => new HashSet<string>(StringComparer.Ordinal));
        lock (seen)
        {
            var prefix = "";
            var hit = true;
            foreach (var unit in units)
            {
                var tokens = (unit.Length + 3) / 4;
                prompt += tokens;
                prefix = Hash(prefix + unit);
                if (hit && seen.Contains(prefix)) cached += tokens;
                else hit = false;
                seen.Add(prefix);
            }
        }

        var matches = SessionMarker().Matches(request.Body);
        var session = matches.Count == 0 ? null : matches[^1].Groups[1].Value;
        var cacheKey = root.TryGetProperty("prompt_cache_key", out var key) ? key.GetString() : null;
        Served.Enqueue(new ServedRequest(deployment, session, cacheKey, prompt, cached));

        var lastMessage = units[^1];
        var reply = "Done: " + Hash(lastMessage)[..16] + " " + string.Concat(Enumerable.Repeat("The change is in place and the tests pass. ", 30));
        return OpenAIResponses.WriteJsonAsync(context, OpenAIResponses.TextCompletion(reply, promptTokens: prompt, completionTokens: reply.Length / 4, cachedTokens: cached));
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex(@"session (\w+) turn \d+")]
    private static partial Regex SessionMarker();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
