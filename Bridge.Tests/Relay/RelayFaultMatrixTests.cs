using System.Globalization;
using System.Net;
using System.Text;
using Bridge.Gateway.Routing;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Relay;

/// <summary>
/// Every fault on every protocol pair, streaming and not: the same fault must give the client the same status (or the
/// same in-stream error event, in its own protocol), the same retry decision (<c>x-bridge-attempts</c>), and reach the
/// deployment's state as the same <see cref="FailureKind"/>. Each case runs a group of two deployments that both
/// fail the same way (<c>num_retries: 1</c>, <c>allowed_fails: 0</c>, so each failure shows as a cooldown reason).
/// </summary>
public sealed class RelayFaultMatrixTests
{
    private static readonly RelayFault[] StreamOnly = [RelayFault.IdleTimeoutMidStream, RelayFault.ResetAfterFirstByte, RelayFault.ClientDisconnectMidStream];

    public static TheoryData<RelayPair, RelayFault, bool> Cases()
    {
        var data = new TheoryData<RelayPair, RelayFault, bool>();
        foreach (var pair in Enum.GetValues<RelayPair>())
        {
            foreach (var fault in Enum.GetValues<RelayFault>())
            {
                data.Add(pair, fault, true);
                if (!StreamOnly.Contains(fault)) data.Add(pair, fault, false);
            }
        }
        return data;
    }

    /// <summary>What every pair must do for a fault: the one rule (docs/routing.md, "One relay").</summary>
    private static (int Status, string? StreamError, int Attempts, string? Kind) Expected(RelayFault fault) => fault switch
    {
        RelayFault.ConnectionRefused => (502, null, 2, nameof(FailureKind.Connection)),
        RelayFault.RateLimited => (429, null, 2, nameof(FailureKind.RateLimit)),
        RelayFault.ServerError => (500, null, 2, nameof(FailureKind.ServerError)),
        RelayFault.TimeoutBeforeHeaders => (504, null, 2, nameof(FailureKind.Timeout)),
        RelayFault.FirstTokenTimeout => (504, null, 2, nameof(FailureKind.Timeout)),
        RelayFault.IdleTimeoutMidStream => (200, "timeout", 1, nameof(FailureKind.Timeout)),
        RelayFault.ResetBeforeFirstByte => (502, null, 2, nameof(FailureKind.Connection)),
        RelayFault.ResetAfterFirstByte => (200, "server", 1, nameof(FailureKind.Connection)),
        RelayFault.MalformedBody => (502, null, 2, nameof(FailureKind.ServerError)),
        RelayFault.ErrorInside200 => (429, null, 2, nameof(FailureKind.RateLimit)),
        RelayFault.ClientDisconnectMidStream => (200, null, 1, null),
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SameFault_SameOutcome_OnEveryPair(RelayPair pair, RelayFault fault, bool stream)
    {
        var anthropicUpstream = pair is RelayPair.MessagesNative or RelayPair.ChatToMessages;
        var anthropicClient = pair is RelayPair.MessagesToChat or RelayPair.MessagesNative;
        var upstreamSawAbort = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => FailAsync(ctx, fault, stream, anthropicUpstream, upstreamSawAbort);
        var apiBase = fault == RelayFault.ConnectionRefused ? "http://127.0.0.1:1" : upstream.BaseUrl + (anthropicUpstream ? "" : "/v1");
        await using var gateway = await GatewayHost.StartAsync(Config(fault, anthropicUpstream, apiBase));

        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, anthropicClient ? "/v1/messages" : "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"pool","max_tokens":32,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""",
                Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var (status, streamError, attempts, kind) = Expected(fault);
        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal(attempts.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("x-bridge-attempts").Single());

        if (fault == RelayFault.ClientDisconnectMidStream)
        {
            await ReadUntilAsync(response, "Hel");
            response.Dispose(); // the client leaves mid-stream
            var aborted = await Task.WhenAny(upstreamSawAbort.Task, Task.Delay(TimeSpan.FromSeconds(8)));
            Assert.True(aborted == upstreamSawAbort.Task, "the upstream call was not cancelled when the client left");
        }
        else
        {
            var body = await response.Content.ReadAsStringAsync();
            if (status != 200)
            {
                // The error in the client's own envelope.
                Assert.Contains(anthropicClient ? "\"type\":\"error\"" : "\"error\":{", body);
                if (fault == RelayFault.RateLimited) Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
            }
            else if (streamError is not null)
            {
                var type = (anthropicClient, streamError) switch
                {
                    (true, "timeout") => "\"type\":\"timeout_error\"",
                    (true, _) => "\"type\":\"api_error\"",
                    _ => "\"type\":\"server_error\"",
                };
                Assert.Contains(anthropicClient ? "event: error\ndata: " : "data: {\"error\":", body);
                Assert.Contains(type, body);
                Assert.Contains("Hel", body); // what came before the fault reached the client
                Assert.DoesNotContain(anthropicClient ? "message_stop" : "[DONE]", body);
            }
        }

        var state = gateway.Services.GetRequiredService<DeploymentStateStore>();
        var reasons = await WaitForReasonsAsync(state, attempts, kind is not null);
        if (kind is null)
        {
            Assert.All(reasons, r => Assert.Null(r));
        }
        else
        {
            var marker = kind == nameof(FailureKind.RateLimit) ? "rate limited (429)" : $"({kind})";
            Assert.Equal(attempts, reasons.Count(r => r is not null && r.Contains(marker, StringComparison.Ordinal)));
        }
    }

    /// <summary>Cooldown reasons of both deployments, once as many as expected have appeared (a failure after the first byte is reported as the stream ends).</summary>
    private static async Task<string?[]> WaitForReasonsAsync(DeploymentStateStore state, int expected, bool any)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (true)
        {
            string?[] reasons = [state.CooldownReason("d1"), state.CooldownReason("d2")];
            if (!any || reasons.Count(r => r is not null) >= expected || DateTime.UtcNow > deadline) return reasons;
            await Task.Delay(50);
        }
    }

    private static async Task ReadUntilAsync(HttpResponseMessage response, string marker)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        while (!seen.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, patience.Token);
            Assert.True(n > 0, $"the stream ended before '{marker}': {seen}");
            seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }

    /// <summary>Two deployments, both on the faulty upstream; each timeout is short only for the fault that tests it.</summary>
    private static string Config(RelayFault fault, bool anthropicUpstream, string apiBase)
    {
        var overall = fault is RelayFault.TimeoutBeforeHeaders or RelayFault.FirstTokenTimeout ? "1" : "20";
        var firstToken = fault == RelayFault.FirstTokenTimeout ? "0.5" : "20";
        var idle = fault == RelayFault.IdleTimeoutMidStream ? "0.5" : "20";
        var model = anthropicUpstream ? "anthropic/claude-sonnet-4-5-20250929" : "openai/gpt-4o";
        var deployments = string.Concat(new[] { "d1", "d2" }.Select(id => $"""
              - model_name: pool
                litellm_params:
                  model: {model}
                  api_base: {apiBase}
                  api_key: sk-{id}
                  timeout: {overall}
                  first_token_timeout: {firstToken}
                  stream_idle_timeout: {idle}
                model_info:
                  id: {id}

            """));
        return $"""
            model_list:
            {deployments}
            router_settings:
              num_retries: 1
              allowed_fails: 0
              cooldown_time: 60
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """;
    }

    private static async Task FailAsync(HttpContext ctx, RelayFault fault, bool stream, bool anthropic, TaskCompletionSource upstreamSawAbort)
    {
        switch (fault)
        {
            case RelayFault.RateLimited:
                await WriteErrorAsync(ctx, anthropic, 429, "rate_limit_error", "Rate limit reached", retryAfterSeconds: 7);
                return;
            case RelayFault.ServerError:
                await WriteErrorAsync(ctx, anthropic, 500, anthropic ? "api_error" : "server_error", "Internal error");
                return;
            case RelayFault.TimeoutBeforeHeaders:
                await HoldAsync(ctx);
                return;
            case RelayFault.FirstTokenTimeout:
                await StartAsync(ctx, stream);
                await HoldAsync(ctx);
                return;
            case RelayFault.ResetBeforeFirstByte:
                await StartAsync(ctx, stream);
                ctx.Abort();
                return;
            case RelayFault.MalformedBody:
                await StartAsync(ctx, stream);
                await SendAsync(ctx, !stream ? "this is not JSON" : anthropic ? "event: message_start\ndata: this is not JSON\n\n" : "data: this is not JSON\n\n");
                return;
            case RelayFault.ErrorInside200:
                await StartAsync(ctx, stream);
                var error = anthropic
                    ? """{"type":"error","error":{"type":"rate_limit_error","message":"Rate limit reached"}}"""
                    : """{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limit_exceeded"}}""";
                await SendAsync(ctx, !stream ? error : anthropic ? $"event: error\ndata: {error}\n\n" : $"data: {error}\n\n");
                return;
            case RelayFault.IdleTimeoutMidStream:
            case RelayFault.ResetAfterFirstByte:
            case RelayFault.ClientDisconnectMidStream:
                await StartAsync(ctx, stream);
                await SendAsync(ctx, FirstContent(anthropic));
                if (fault == RelayFault.ResetAfterFirstByte)
                {
                    // An abort right after a write may drop what was written: let the first content arrive first.
                    await Task.Delay(300);
                    ctx.Abort();
                    return;
                }
                await HoldAsync(ctx);
                if (ctx.RequestAborted.IsCancellationRequested) upstreamSawAbort.TrySetResult();
                return;
        }
    }

    private static string FirstContent(bool anthropic)
    {
        if (!anthropic) return $"data: {OpenAIResponses.Chunk("""{"role":"assistant","content":"Hel"}""")}\n\n";
        var start = AnthropicResponses.StreamEvents(null, [])[0]; // message_start
        return $"event: {start.Event}\ndata: {start.Data}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n";
    }

    /// <summary>Status 200 and the headers of a stream or a JSON body, flushed: the upstream has answered, nothing more yet.</summary>
    private static async Task StartAsync(HttpContext ctx, bool stream)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = stream ? "text/event-stream" : "application/json";
        await ctx.Response.Body.FlushAsync();
    }

    private static async Task SendAsync(HttpContext ctx, string text)
    {
        await ctx.Response.WriteAsync(text);
        await ctx.Response.Body.FlushAsync();
    }

    /// <summary>Silence until the gateway gives up (bounded, so a gateway that never does fails the test instead of hanging it).</summary>
    private static async Task HoldAsync(HttpContext ctx)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(15), ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Task WriteErrorAsync(HttpContext ctx, bool anthropic, int status, string type, string message, int? retryAfterSeconds = null) =>
        anthropic
            ? AnthropicResponses.WriteErrorAsync(ctx, status, type, message, retryAfterSeconds)
            : OpenAIResponses.WriteErrorAsync(ctx, status, message, type, retryAfterSeconds);
}
