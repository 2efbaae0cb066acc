using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Telemetry;

/// <summary>Traces and metrics of one streaming /v1/messages request, captured in-process.</summary>
public sealed class GatewayTelemetryTests : IAsyncLifetime
{
    private const string Prompt = "SECRET-PROMPT-CONTENT-42";
    private const string CachedTurn = "CACHED-TURN";
    private readonly ConcurrentBag<Activity> _activities = [];
    private readonly ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private ActivityListener _listener = null!;
    private MeterListener _meters = null!;
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Bridge.Gateway" or "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _activities.Add(a),
        };
        ActivitySource.AddActivityListener(_listener);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Bridge.Gateway") listener.EnableMeasurementEvents(instrument);
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Capture(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Capture(i, v, tags));
        _meters.Start();

        _upstream = await FakeUpstream.StartAsync();
        _upstream.Handler = (ctx, request) =>
        {
            var stream = System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["stream"]?.GetValue<bool>() == true;
            if (request.Path.EndsWith("/messages", StringComparison.Ordinal)) // the native Anthropic deployment
            {
                if (request.Body.Contains(CachedTurn, StringComparison.Ordinal))
                {
                    return OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage("Hello").Replace(
                        "\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0",
                        "\"input_tokens\":12,\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":2000", StringComparison.Ordinal));
                }

                return stream
                    ? AnthropicResponses.WriteSseAsync(ctx, AnthropicResponses.StreamEvents("Hello", [], stopReason: "max_tokens"))
                    : OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage("Hello", stopReason: "max_tokens"));
            }
            return stream
                ? OpenAIResponses.WriteSseAsync(ctx,
                [
                    OpenAIResponses.Chunk("""{"role":"assistant","content":"Hello"}"""),
                    OpenAIResponses.Chunk("{}", "stop"),
                    OpenAIResponses.UsageChunk(40, 7, cachedTokens: 10),
                ])
                : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("Hello", "length"));
        };
        _gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {_upstream.BaseUrl}/v1
                  api_key: sk-upstream-secret
              - model_name: claude-native
                litellm_params:
                  model: anthropic/claude-sonnet-4-5-20250929
                  api_base: {_upstream.BaseUrl}
                  api_key: sk-upstream-secret
            litellm_settings:
              model_alias_map:
                claude-sonnet-4-5-20250929: gpt-4o
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);
    }

    private void Capture(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        _measurements.Add((instrument.Name, value, copy));
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        _meters.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private async Task<Activity> ServerSpanAsync(string requestId)
    {
        for (var i = 0; i < 50; i++)
        {
            var server = _activities.FirstOrDefault(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("bridge.request_id") == requestId);
            if (server is not null) return server;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no server span for {requestId}");
    }

    /// <summary>Paths that relay the upstream's answer without translating it still report why the model stopped.</summary>
    [Theory]
    [InlineData("/v1/chat/completions", "gpt-4o", true, "stop")]
    [InlineData("/v1/chat/completions", "gpt-4o", false, "length")]
    [InlineData("/v1/messages", "claude-native", true, "max_tokens")]
    [InlineData("/v1/messages", "claude-native", false, "max_tokens")]
    public async Task PassThroughAndNativePaths_TraceFinishReasons(string path, string model, bool stream, string expected)
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync(path, new StringContent(
            $$"""{"model":"{{model}}","max_tokens":64,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""",
            Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = response.Headers.GetValues(path == "/v1/messages" ? "request-id" : "x-request-id").Single();

        var server = await ServerSpanAsync(requestId);
        Assert.Equal(new[] { expected }, server.GetTagItem("gen_ai.response.finish_reasons"));
    }

    [Fact]
    public async Task StreamingRequest_HasGenAiServerSpan_AttemptSpanWithHttpChild_MetricsAndOverheadHeader()
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/messages", new StringContent(
            $$"""{"model":"claude-sonnet-4-5-20250929","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"{{Prompt}}"}]}""",
            Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = response.Headers.GetValues("request-id").Single();
        Assert.True(double.TryParse(response.Headers.GetValues("x-bridge-overhead-duration-ms").Single(), System.Globalization.CultureInfo.InvariantCulture, out var overhead));
        Assert.InRange(overhead, 0, 5000);

        Activity? server = null;
        for (var i = 0; i < 50 && server is null; i++)
        {
            server = _activities.FirstOrDefault(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("bridge.request_id") == requestId);
            if (server is null) await Task.Delay(50);
        }
        Assert.NotNull(server);
        Assert.Equal("chat", server.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("claude-sonnet-4-5-20250929", server.GetTagItem("gen_ai.request.model"));
        Assert.Equal("gpt-4o", server.GetTagItem("bridge.model_group"));
        Assert.Equal("gpt-4o", server.GetTagItem("gen_ai.response.model"));
        Assert.Equal("openai", server.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(true, server.GetTagItem("gen_ai.request.stream"));
        Assert.Equal("64", server.GetTagItem("gen_ai.request.max_tokens"));
        Assert.Equal(40L, server.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(7L, server.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(10L, server.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Equal(new[] { "end_turn" }, server.GetTagItem("gen_ai.response.finish_reasons"));
        Assert.Equal("master", server.GetTagItem("bridge.key_id"));
        Assert.NotNull(server.GetTagItem("bridge.time_to_first_token_ms"));

        var trace = _activities.Where(a => a.TraceId == server.TraceId).ToList();
        var attemptSpan = Assert.Single(trace, a => a.Source.Name == "Bridge.Gateway" && a.OperationName == "chat gpt-4o");
        Assert.Equal(ActivityKind.Client, attemptSpan.Kind);
        Assert.Equal("gpt-4o#0", attemptSpan.GetTagItem("bridge.deployment"));
        Assert.Contains(trace, a => a.Source.Name == "System.Net.Http" && a.ParentSpanId == attemptSpan.SpanId);
        Assert.Contains(trace, a => a.OperationName == "bridge.translate");

        // Neither the prompt nor any key ends up in a trace.
        foreach (var activity in trace)
        {
            foreach (var tag in activity.TagObjects)
            {
                var text = tag.Value is Array array ? string.Join(",", array.Cast<object>()) : tag.Value?.ToString() ?? "";
                Assert.DoesNotContain(Prompt, text);
                Assert.DoesNotContain(GatewayHost.MasterKey, text);
                Assert.DoesNotContain("sk-upstream-secret", text);
            }
        }

        Assert.Contains(_measurements, m => m.Instrument == "gen_ai.client.token.usage" && (string?)m.Tags["gen_ai.token.type"] == "input" && m.Value == 40);
        Assert.Contains(_measurements, m => m.Instrument == "gen_ai.client.token.usage" && (string?)m.Tags["gen_ai.token.type"] == "output" && m.Value == 7);
        Assert.Contains(_measurements, m => m.Instrument == "gen_ai.client.operation.duration" && (string?)m.Tags["gen_ai.request.model"] == "gpt-4o");
        Assert.Contains(_measurements, m => m.Instrument == "gen_ai.server.time_to_first_token");
        Assert.Contains(_measurements, m => m.Instrument == "bridge.gateway.overhead");
        Assert.Contains(_measurements, m => m.Instrument == "bridge.requests" && (int?)m.Tags["http.response.status_code"] == 200);
    }

    /// <summary>Cache reads and writes on the span (the conventions' attributes) and in Bridge's cache counter.</summary>
    [Fact]
    public async Task CachedAnthropicAnswer_ReportsCacheReadAndCreationTokens()
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/messages", new StringContent(
            $$"""{"model":"claude-native","max_tokens":64,"messages":[{"role":"user","content":"{{CachedTurn}}"}]}""", Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var server = await ServerSpanAsync(response.Headers.GetValues("request-id").Single());
        Assert.Equal(2312L, server.GetTagItem("gen_ai.usage.input_tokens")); // all input, cache reads and writes included
        Assert.Equal(2000L, server.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Equal(300L, server.GetTagItem("gen_ai.usage.cache_creation.input_tokens"));
        Assert.Contains(_measurements, m => m.Instrument == "gen_ai.client.token.usage" && (string?)m.Tags["gen_ai.token.type"] == "input" && m.Value == 2312);
        bool Cache(string type, double value) => _measurements.Any(m => m.Instrument == "bridge.cache.tokens"
            && (string?)m.Tags["bridge.cache.token.type"] == type && (string?)m.Tags["gen_ai.request.model"] == "claude-native" && m.Value == value);
        Assert.True(Cache("read", 2000));
        Assert.True(Cache("creation", 300));
        Assert.True(Cache("uncached", 12));
    }

    /// <summary>The model name and dropped tool names are the client's: on spans (and the header) they are cut short.</summary>
    [Fact]
    public async Task ClientChosenStrings_OnSpansAndHeaders_AreBounded()
    {
        using var client = _gateway.CreateClient();
        using var unknown = await client.PostAsync("/v1/messages", new StringContent(
            $$"""{"model":"{{new string('m', 20_000)}}","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var server = await ServerSpanAsync(unknown.Headers.GetValues("request-id").Single());
        Assert.InRange(((string)server.GetTagItem("gen_ai.request.model")!).Length, 100, 300);

        var tools = string.Join(",", Enumerable.Range(0, 200).Select(i => $$"""{"type":"web_search_20250305","name":"{{new string('t', 60)}}{{i}}"}"""));
        using var dropped = await client.PostAsync("/v1/messages", new StringContent(
            $$"""{"model":"claude-sonnet-4-5-20250929","max_tokens":64,"tools":[{{tools}}],"messages":[{"role":"user","content":"hi"}]}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);
        Assert.InRange(dropped.Headers.GetValues("x-bridge-dropped-tools").Single().Length, 100, 300);
        server = await ServerSpanAsync(dropped.Headers.GetValues("request-id").Single());
        var translate = Assert.Single(_activities, a => a.TraceId == server.TraceId && a.OperationName == "bridge.translate");
        var tag = (string)translate.GetTagItem("bridge.dropped_tools")!;
        Assert.InRange(tag.Length, 100, 300);
        Assert.EndsWith("more)", tag);
    }
}
