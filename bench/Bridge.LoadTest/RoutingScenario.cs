using System.Diagnostics;
using System.Net;
using System.Text;
using Bridge.Gateway.Hosting;

namespace Bridge.LoadTest;

/// <summary>
/// Routing load run: three fake deployments behind one model group, one of them failing every request
/// with a 500. Reports how traffic split and how many errors the client saw.
/// </summary>
public static class RoutingScenario
{
    public static async Task RunAsync(int requests, int concurrency)
    {
        await using var a = await FakeOpenAI.StartAsync();
        await using var b = await FakeOpenAI.StartAsync();
        await using var c = await FakeOpenAI.StartAsync();
        c.FailWith = 500;
        var dir = Directory.CreateTempSubdirectory("bridge-load-").FullName;
        var config = Path.Combine(dir, "config.yaml");
        await File.WriteAllTextAsync(config, $"""
            model_list:
              - model_name: pool
                litellm_params: {"{"} model: openai/gpt-4o, api_base: "{a.BaseUrl}/v1", api_key: k {"}"}
                model_info: {"{"} id: a {"}"}
              - model_name: pool
                litellm_params: {"{"} model: openai/gpt-4o, api_base: "{b.BaseUrl}/v1", api_key: k {"}"}
                model_info: {"{"} id: b {"}"}
              - model_name: pool
                litellm_params: {"{"} model: openai/gpt-4o, api_base: "{c.BaseUrl}/v1", api_key: k {"}"}
                model_info: {"{"} id: c-failing {"}"}
            router_settings:
              routing_strategy: simple-shuffle
              num_retries: 2
              allowed_fails: 3
              cooldown_time: 5
            general_settings:
              master_key: sk-load
            """);
        var app = GatewayApp.Build(["--config", config, "--urls", "http://127.0.0.1:0"], b => b.Logging.ClearProviders());
        await app.StartAsync();
        var gateway = app.Urls.First();

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(gateway) };
        client.DefaultRequestHeaders.Add("x-api-key", "sk-load");
        var body = """{"model":"pool","max_tokens":32,"messages":[{"role":"user","content":"hello"}]}""";
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        var servedBy = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var attempts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                using var response = await client.PostAsync("/v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
                await response.Content.ReadAsByteArrayAsync();
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if (response.Headers.TryGetValues("x-bridge-deployment", out var d)) servedBy.AddOrUpdate(d.First(), 1, (_, n) => n + 1);
                if (response.Headers.TryGetValues("x-bridge-attempts", out var n2)) attempts.AddOrUpdate(n2.First(), 1, (_, n) => n + 1);
            }
        }));
        watch.Stop();
        await app.StopAsync();

        Console.WriteLine($"routing load run: {requests} requests, concurrency {concurrency}, {watch.Elapsed.TotalSeconds:0.0} s ({requests / watch.Elapsed.TotalSeconds:0} req/s)");
        Console.WriteLine($"client statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}"))}");
        Console.WriteLine($"answered by: {string.Join(", ", servedBy.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        Console.WriteLine($"attempts per request: {string.Join(", ", attempts.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        Console.WriteLine($"upstream requests received: a {a.Requests}, b {b.Requests}, c-failing {c.Requests}");
    }
}
