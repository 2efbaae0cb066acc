using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bridge.Tests.Routing;

/// <summary>
/// Three fake deployments on loopback behind one model group; each test makes some of them fail in a
/// specific way and checks what the client sees and where the traffic went.
/// </summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private readonly FakeUpstream[] _upstreams = new FakeUpstream[3];
    private GatewayHost _gateway = null!;

    private FakeUpstream A => _upstreams[0];
    private FakeUpstream B => _upstreams[1];
    private FakeUpstream C => _upstreams[2];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _upstreams[i] = await FakeUpstream.StartAsync();
            var name = "abc"[i].ToString();
            _upstreams[i].Handler = (ctx, r) => Answer(ctx, r, $"from {name}");
        }
        var deployments = string.Concat(_upstreams.Select((u, i) => $"""
              - model_name: pool
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {u.BaseUrl}/v1
                  api_key: k{i}
                  timeout: 2
                  first_token_timeout: 1
                  stream_idle_timeout: 1
                model_info:
                  id: {"abc"[i]}

            """));
        _gateway = await GatewayHost.StartAsync($"""
            model_list:
            {deployments}
              - model_name: backup
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {C.BaseUrl}/v1
                  api_key: kc
                model_info:
                  id: backup
            router_settings:
              routing_strategy: round-robin
              num_retries: 2
              allowed_fails: 1
              cooldown_time: 2
              fallbacks: [{"{"}"pool": ["backup"]{"}"}]
              context_window_fallbacks: [{"{"}"pool": ["backup"]{"}"}]
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        foreach (var u in _upstreams) await u.DisposeAsync();
    }

    private static Task Answer(HttpContext ctx, RecordedRequest request, string text) =>
        JsonNode.Parse(request.Body)!["stream"]?.GetValue<bool>() == true
            ? OpenAIResponses.WriteSseAsync(ctx,
            [
                OpenAIResponses.Chunk($$"""{"role":"assistant","content":"{{text}}"}"""),
                OpenAIResponses.Chunk("{}", "stop"),
                OpenAIResponses.UsageChunk(10, 3),
            ])
            : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion(text, promptTokens: 10, completionTokens: 3));

    private async Task<(HttpResponseMessage Response, string Body)> Send(bool stream = false, string model = "pool")
    {
        using var client = _gateway.CreateClient();
        var response = await client.PostAsync("/v1/messages", new StringContent(
            $$"""{"model":"{{model}}","max_tokens":20,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""",
            Encoding.UTF8, "application/json"));
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string TextOf(string body) => (string)JsonNode.Parse(body)!["content"]![0]!["text"]!;

    private static string StreamedText(string body) =>
        string.Concat(Sse.Parse(body).Where(e => e.Event == "content_block_delta").Select(e => (string)e.Data!["delta"]!["text"]!));

    [Fact]
    public async Task UpstreamRedirect_IsNotFollowed_SoThePromptGoesNowhereElse()
    {
        A.Handler = (ctx, _) =>
        {
            ctx.Response.StatusCode = 307;
            ctx.Response.Headers.Location = $"{B.BaseUrl}/elsewhere";
            return Task.CompletedTask;
        };

        for (var i = 0; i < 3; i++) await Send();

        Assert.NotEmpty(A.Requests);
        Assert.DoesNotContain(B.Requests, r => r.Path == "/elsewhere");
    }

    [Fact]
    public async Task Upstream500_FailsOverToAHealthyDeployment()
    {
        A.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 500, "internal error", "server_error");

        for (var i = 0; i < 6; i++)
        {
            var (response, body) = await Send();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual("a", response.Headers.GetValues("x-bridge-deployment").Single());
            Assert.StartsWith("from ", TextOf(body));
        }
        Assert.InRange(A.Requests.Count, 1, 2); // allowed_fails 1: the second failure starts a cooldown
    }

    [Fact]
    public async Task Upstream429_CoolsDownForRetryAfter_ThenComesBack()
    {
        A.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 429, "slow down", "rate_limit_exceeded", retryAfterSeconds: 3);

        while (A.Requests.IsEmpty) Assert.Equal(HttpStatusCode.OK, (await Send()).Response.StatusCode);
        var cooledAt = DateTime.UtcNow;
        A.Handler = (ctx, r) => Answer(ctx, r, "from a");

        // Cooling down (Retry-After 3 s beats cooldown_time 2 s): no traffic.
        while (DateTime.UtcNow - cooledAt < TimeSpan.FromSeconds(2.5))
        {
            Assert.Equal(HttpStatusCode.OK, (await Send()).Response.StatusCode);
            Assert.Single(A.Requests);
            await Task.Delay(50);
        }

        var left = TimeSpan.FromSeconds(3.2) - (DateTime.UtcNow - cooledAt); // negative when the loop above ran late
        if (left > TimeSpan.Zero) await Task.Delay(left);
        for (var i = 0; i < 6; i++) await Send();
        Assert.True(A.Requests.Count > 1, "the deployment must come back after its cooldown");
    }

    [Fact]
    public async Task StallBeforeHeaders_TimesOutAndFailsOver()
    {
        A.Handler = async (ctx, _) => await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted).ContinueWith(_ => { });

        for (var i = 0; i < 3; i++)
        {
            var (response, body) = await Send();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("from ", TextOf(body));
        }
    }

    [Fact]
    public async Task ResetBeforeHeaders_FailsOver()
    {
        A.Handler = (ctx, _) =>
        {
            ctx.Abort();
            return Task.CompletedTask;
        };

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await Send()).Response.StatusCode);
    }

    [Fact]
    public async Task StreamStallBeforeFirstChunk_FailsOver_WithoutDuplicatingAnything()
    {
        A.Handler = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted).ContinueWith(_ => { });
        };

        for (var i = 0; i < 3; i++)
        {
            var (response, body) = await Send(stream: true);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = Sse.Parse(body);
            Assert.Single(events, e => e.Event == "message_start");
            Assert.Equal("message_stop", events[^1].Event);
            Assert.Matches("^from [bc]$", StreamedText(body));
        }
    }

    [Fact]
    public async Task StreamStallMidway_EndsWithErrorEvent_AndDoesNotRetry()
    {
        foreach (var u in _upstreams)
        {
            u.Handler = async (ctx, _) =>
            {
                await OpenAIResponses.WriteSseAsync(ctx, [OpenAIResponses.Chunk("""{"role":"assistant","content":"partial"}""")], done: false);
                await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted).ContinueWith(_ => { });
            };
        }
        var before = _upstreams.Sum(u => u.Requests.Count);

        var (response, body) = await Send(stream: true);

        var events = Sse.Parse(body);
        Assert.Equal("error", events[^1].Event);
        Assert.Equal("partial", StreamedText(body));
        Assert.Equal(before + 1, _upstreams.Sum(u => u.Requests.Count));
    }

    [Fact]
    public async Task StreamResetMidway_EndsWithErrorEvent()
    {
        foreach (var u in _upstreams)
        {
            u.Handler = async (ctx, _) =>
            {
                await OpenAIResponses.WriteSseAsync(ctx, [OpenAIResponses.Chunk("""{"role":"assistant","content":"partial"}""")], done: false);
                await Task.Delay(200);
                ctx.Abort();
            };
        }

        var (_, body) = await Send(stream: true);

        var events = Sse.Parse(body);
        Assert.Equal("error", events[^1].Event);
        Assert.Single(events, e => e.Event == "message_start");
        Assert.Equal("partial", StreamedText(body));
    }

    [Fact]
    public async Task ClientCaused400_IsNeverRetried()
    {
        foreach (var u in _upstreams) u.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 400, "Invalid 'messages[0].content'");
        var before = _upstreams.Sum(u => u.Requests.Count);

        var (response, _) = await Send();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before + 1, _upstreams.Sum(u => u.Requests.Count));
    }

    [Fact]
    public async Task ContextWindowError_GoesToContextWindowFallback()
    {
        A.Handler = B.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 400,
            "This model's maximum context length is 128000 tokens.", "context_length_exceeded");
        C.Handler = (ctx, r) => JsonNode.Parse(r.Body)!["model"]!.GetValue<string>() == "gpt-4o-mini"
            ? Answer(ctx, r, "from backup")
            : OpenAIResponses.WriteErrorAsync(ctx, 400, "This model's maximum context length is 128000 tokens.", "context_length_exceeded");

        var (response, body) = await Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from backup", TextOf(body));
        Assert.Equal("backup", response.Headers.GetValues("x-bridge-deployment").Single());
    }

    [Fact]
    public async Task WholeGroupFailing_GoesToFallbackGroup()
    {
        A.Handler = B.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 503, "unavailable", "server_error");
        C.Handler = (ctx, r) => JsonNode.Parse(r.Body)!["model"]!.GetValue<string>() == "gpt-4o-mini"
            ? Answer(ctx, r, "from backup")
            : OpenAIResponses.WriteErrorAsync(ctx, 503, "unavailable", "server_error");

        var (response, body) = await Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from backup", TextOf(body));
        Assert.Equal("4", response.Headers.GetValues("x-bridge-attempts").Single());
    }

    [Fact]
    public async Task EveryDeploymentCoolingDown_Answers429WithRetryAfter()
    {
        foreach (var u in _upstreams) u.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 429, "slow down", "rate_limit_exceeded", retryAfterSeconds: 5);

        int PoolRequests() => _upstreams.Sum(u => u.Requests.Count(r => JsonNode.Parse(r.Body)!["model"]!.GetValue<string>() == "gpt-4o"));
        await Send(); // all three pool deployments rate-limited: each cools down
        var before = PoolRequests();
        var (response, _) = await Send();

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(3));
        Assert.Equal(before, PoolRequests()); // the cooling deployments were not asked again
    }

    [Fact]
    public async Task SlowUpstream_StillAnswers()
    {
        foreach (var u in _upstreams)
        {
            u.Handler = async (ctx, r) =>
            {
                await Task.Delay(300);
                await Answer(ctx, r, "slow but fine");
            };
        }

        var (response, body) = await Send(stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slow but fine", StreamedText(body));
    }
}
