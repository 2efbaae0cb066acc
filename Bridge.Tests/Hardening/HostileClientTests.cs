using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Hardening;

/// <summary>
/// Issue 10, section 2: what a hostile or careless client can make the gateway hold. Each case runs the real gateway on
/// loopback with small limits against a fake upstream, and talks to it over raw sockets where a client would lie.
/// </summary>
public sealed class HostileClientTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private string Yaml(string extraGeneral = "") => $$"""
        model_list:
          - model_name: gpt
            litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: upstream-key }
        general_settings:
          master_key: {{GatewayHost.MasterKey}}
        {{extraGeneral}}
        """;

    private static StringContent Messages(string text = "hi", bool stream = false) => new(
        JsonSerializer.Serialize(new { model = "gpt", max_tokens = 50, stream, messages = new[] { new { role = "user", content = text } } }),
        Encoding.UTF8, "application/json");

    [Fact]
    public async Task WrongKeys_FromOneAddress_Get429InTheClientsEnvelope_OtherAddressesAreNotAffected()
    {
        await using var gateway = await GatewayHost.StartAsync(Yaml(), new Dictionary<string, string?> { ["Bridge:AuthFailuresPerMinute"] = "5" });
        using var wrong = gateway.CreateClient("sk-wrong-0000");
        for (var i = 0; i < 5; i++)
        {
            using var refused = await wrong.PostAsync("/v1/messages", Messages());
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var throttled = await wrong.PostAsync("/v1/messages", Messages());
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter?.Delta);
        using (var anthropic = JsonDocument.Parse(await throttled.Content.ReadAsStringAsync()))
        {
            Assert.Equal("error", anthropic.RootElement.GetProperty("type").GetString());
            Assert.Equal("rate_limit_error", anthropic.RootElement.GetProperty("error").GetProperty("type").GetString());
        }

        // The right key from the same address waits too (else the 429 would not stop a guesser: a hit would still pass).
        using var master = gateway.CreateClient();
        using var sameAddress = await master.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.TooManyRequests, sameAddress.StatusCode);
        using (var openai = JsonDocument.Parse(await sameAddress.Content.ReadAsStringAsync()))
        {
            Assert.Equal("auth_throttled", openai.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        // Another client address is served as usual.
        using var elsewhere = ClientFrom(IPAddress.Parse("127.0.0.2"), gateway.BaseUrl, GatewayHost.MasterKey);
        using var served = await elsewhere.PostAsync("/v1/messages", Messages());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task RandomKeys_DoNotGrowTheKeyCache_PastItsBound()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        using var keys = new KeyDirectory(redis, TimeProvider.System, NullLogger<KeyDirectory>.Instance, new GatewayOptions { KeyCacheEntries = 100 });
        for (var i = 0; i < 2_000; i++)
        {
            var lookup = await keys.FindAsync($"sk-random-{Guid.NewGuid():N}", CancellationToken.None);
            Assert.Equal(KeyLookupResult.NotFound, lookup.Result);
        }
        Assert.InRange(keys.CachedEntries, 1, 100);
    }

    [Fact]
    public async Task DeclaredBodySize_DoesNotSizeTheBuffer_AndBodiesInFlightAreCapped()
    {
        await using var gateway = await GatewayHost.StartAsync(Yaml(), new Dictionary<string, string?>
        {
            ["Bridge:MaxBodyBytesInFlight"] = (4 * 1024 * 1024).ToString(),
        });
        var budget = gateway.Services.GetRequiredService<GatewayOptions>().BodyBudget;
        var uri = new Uri(gateway.BaseUrl);

        // Ten slow clients each declare 512 KiB and send 20 KiB: the gateway holds what arrived, not what was declared.
        var slow = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 10; i++) slow.Add(await StartSlowBodyAsync(uri, declared: 512 * 1024, sent: 20 * 1024));
            await WaitUntilAsync(() => budget.Held >= 10 * 64 * 1024);
            Assert.InRange(budget.Held, 10 * 20 * 1024, 10 * 64 * 1024);

            // Past the caller's share (a quarter of the 4 MiB: 1 MiB) a body is refused with a 503 and Retry-After in the
            // client's envelope, not an OutOfMemoryException: the slow uploads hold 640 KiB, this one needs a 1 MiB buffer.
            using var client = gateway.CreateClient();
            using var big = await client.PostAsync("/v1/messages", Messages(new string('x', 900 * 1024)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, big.StatusCode);
            Assert.NotNull(big.Headers.RetryAfter);
            using var envelope = JsonDocument.Parse(await big.Content.ReadAsStringAsync());
            Assert.Equal("error", envelope.RootElement.GetProperty("type").GetString());

            // A small request still fits.
            using var small = await client.PostAsync("/v1/messages", Messages());
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);

            // A body that could never fit the caller's share, even alone, is a 413 rather than an endless "retry shortly".
            using var never = await client.PostAsync("/v1/messages", Messages(new string('x', 2 * 1024 * 1024)));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, never.StatusCode);
        }
        finally
        {
            foreach (var connection in slow) connection.Dispose();
        }

        // When the slow clients leave, everything they held is given back.
        await WaitUntilAsync(() => budget.Held == 0);
        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public async Task MaxRequestSizeMb_FromGeneralSettings_IsEnforced()
    {
        await using var gateway = await GatewayHost.StartAsync(Yaml("  max_request_size_mb: 1"));
        using var client = gateway.CreateClient();
        using var tooLarge = await client.PostAsync("/v1/messages", Messages(new string('x', 1100 * 1024)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("1048576", await tooLarge.Content.ReadAsStringAsync());

        using var fits = await client.PostAsync("/v1/messages", Messages(new string('x', 900 * 1024)));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task UpstreamBodyOverTheBound_IsA502_NotHeldInMemory()
    {
        await using var gateway = await GatewayHost.StartAsync(Yaml(), new Dictionary<string, string?> { ["Bridge:MaxUpstreamBodyBytes"] = "65536" });
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion(new string('y', 200 * 1024)));
        using var client = gateway.CreateClient();
        using var response = await client.PostAsync("/v1/messages", Messages());
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("65536", await response.Content.ReadAsStringAsync());
        // The bound is the request's, not the deployment's: no retry (it would pay for the same answer again).
        Assert.Single(_upstream.Requests);

        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("short"));
        using var fine = await client.PostAsync("/v1/messages", Messages());
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task UpstreamSseLineOverTheBound_EndsTheStream_WithAnError()
    {
        await using var gateway = await GatewayHost.StartAsync(Yaml(), new Dictionary<string, string?> { ["Bridge:MaxUpstreamEventBytes"] = "16384" });
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx,
        [
            OpenAIResponses.Chunk("""{"role":"assistant","content":"Hel"}"""),
            // One line of 64 KiB that never ends: the gateway must give up on it rather than buffer it.
            OpenAIResponses.Chunk("{\"content\":\"" + new string('z', 64 * 1024) + "\"}"),
            OpenAIResponses.Chunk("""{}""", "stop"),
        ]);
        using var client = gateway.CreateClient();
        using var response = await client.PostAsync("/v1/messages", Messages(stream: true));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"Hel\"", body);
        Assert.Contains("event: error", body);
        Assert.DoesNotContain("zzzz", body);
        Assert.DoesNotContain("message_stop", body);
    }

    [Fact]
    public async Task HungNonStreamingUpstream_GetsTheDefaultTimeout_WhenNoneIsConfigured()
    {
        await using var gateway = await GatewayHost.StartAsync(Yaml(), new Dictionary<string, string?> { ["Bridge:DefaultUpstreamTimeoutSeconds"] = "1" });
        var release = new TaskCompletionSource();
        _upstream.Handler = async (ctx, _) => await release.Task.WaitAsync(TimeSpan.FromSeconds(30), ctx.RequestAborted);
        try
        {
            using var client = gateway.CreateClient();
            client.Timeout = TimeSpan.FromSeconds(20);
            using var response = await client.PostAsync("/v1/messages", Messages());
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    /// <summary>Opens a connection, sends headers declaring <paramref name="declared"/> bytes and only <paramref name="sent"/> of them.</summary>
    private static async Task<TcpClient> StartSlowBodyAsync(Uri gateway, long declared, int sent)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.Host, gateway.Port);
        var stream = tcp.GetStream();
        var head = $"POST /v1/messages HTTP/1.1\r\nHost: {gateway.Authority}\r\nx-api-key: {GatewayHost.MasterKey}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var chunk = Encoding.ASCII.GetBytes("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', sent));
        await stream.WriteAsync(chunk.AsMemory(0, sent));
        await stream.FlushAsync();
        return tcp;
    }

    /// <summary>An HttpClient whose connections leave from <paramref name="local"/> (any 127.x address is loopback on Linux).</summary>
    private static HttpClient ClientFrom(IPAddress local, string baseUrl, string key)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
    }
}
