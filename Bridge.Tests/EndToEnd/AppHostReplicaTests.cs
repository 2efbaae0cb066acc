using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.EndToEnd;

/// <summary>
/// The AppHost with <c>--Bridge:GatewayReplicas=2</c>: two gateway processes behind Aspire's proxy, sharing one
/// Redis. Each replica is addressed directly (its own port, read from the "Now listening on" line of its log), so
/// the test knows which replica answered: a key's rpm limit set in the admin holds across both, and an alias
/// set in the admin reaches both.
/// </summary>
public sealed partial class AppHostReplicaTests
{
    private const string MasterKey = "sk-e2e-replica-master-key-0123";

    [Fact]
    public async Task TwoGatewayReplicas_ShareLimitsAndAliases_ThroughTheAppHost()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok", promptTokens: 9, completionTokens: 2));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var run = await AppHostRun.StartAsync($$"""
            model_list:
              - model_name: fake-gpt
                litellm_params: {model: openai/gpt-4o, api_base: "{{upstream.BaseUrl}}/v1", api_key: sk-fake}
            """, MasterKey, ["--Bridge:GatewayReplicas=2"], cts.Token);
        var app = run.App;

        var replicas = await ReplicaUrlsAsync(app, "gateway", 2, cts.Token);
        Assert.Equal(2, replicas.Distinct().Count());
        using var a = GatewayClient(replicas[0]);
        using var b = GatewayClient(replicas[1]);

        // A key made in the admin, limited to 2 requests a minute in total.
        using var admin = app.CreateHttpClient("admin", "http");
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MasterKey);
        using var generated = await admin.PostAsync("/key/generate", Json("""{"models": ["fake-gpt"], "rpm_limit": 2}"""), cts.Token);
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var key = (string)JsonNode.Parse(await generated.Content.ReadAsStringAsync(cts.Token))!["key"]!;

        // rpm counts per calendar minute: keep the four requests inside one.
        var intoMinute = DateTimeOffset.UtcNow.Second;
        if (intoMinute >= 50) await Task.Delay(TimeSpan.FromSeconds(61 - intoMinute), cts.Token);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(a, key, "fake-gpt", cts.Token));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(b, key, "fake-gpt", cts.Token));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(a, key, "fake-gpt", cts.Token));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(b, key, "fake-gpt", cts.Token));

        // An alias set in the admin: both replicas route it (no restart).
        using var alias = await admin.PutAsync("/api/aliases/team-model", Json("""{"target": "fake-gpt"}"""), cts.Token);
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        foreach (var replica in new[] { a, b })
        {
            var status = HttpStatusCode.NotFound;
            for (var i = 0; i < 50 && status != HttpStatusCode.OK; i++)
            {
                if (i > 0) await Task.Delay(100, cts.Token);
                status = await SendAsync(replica, MasterKey, "team-model", cts.Token);
            }
            Assert.Equal(HttpStatusCode.OK, status);
        }
        Assert.Equal(4, upstream.Requests.Count); // refused requests never reached it
    }

    /// <summary>Each replica's own address, from the "Now listening on" line Kestrel writes to its log.</summary>
    private static async Task<string[]> ReplicaUrlsAsync(DistributedApplication app, string resource, int count, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>();
        await foreach (var e in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (e.Resource.Name == resource && ids.Add(e.ResourceId) && ids.Count == count) break;
        }
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        return await Task.WhenAll(ids.Select(async id =>
        {
            await foreach (var batch in logs.WatchAsync(id).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    if (ListeningOn().Match(line.Content) is { Success: true } match) return match.Groups[1].Value;
                }
            }
            throw new InvalidOperationException($"{id} never said where it listens");
        }));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();

    private static HttpClient GatewayClient(string url) => new() { BaseAddress = new Uri(url) };

    private static async Task<HttpStatusCode> SendAsync(HttpClient gateway, string key, string model, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json($$"""{"model": "{{model}}", "messages": [{"role": "user", "content": "hi"}]}"""),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await gateway.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
