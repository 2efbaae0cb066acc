using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.EndToEnd;

/// <summary>
/// Boots the whole AppHost (Redis as in-process Garnet, gateway, admin) with Aspire.Hosting.Testing and
/// completes a <c>/v1/messages</c> round trip through the gateway to a fake OpenAI upstream.
/// </summary>
public sealed class AppHostTests
{
    private const string MasterKey = "sk-e2e-master-key-abcdef";

    [Fact]
    public async Task AppHost_StartsEverything_AndGatewayTranslatesToFakeUpstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("through aspire", promptTokens: 9, completionTokens: 2));
        var directory = Directory.CreateTempSubdirectory("bridge-e2e-").FullName;
        var configPath = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(configPath, $"""
            model_list:
              - model_name: fake-gpt
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {upstream.BaseUrl}/v1
                  api_key: sk-fake
            litellm_settings:
              drop_params: true
              model_alias_map:
                claude-haiku-4-5-20251001: fake-gpt
            """);

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bridge_AppHost>(
            [$"--Bridge:ConfigPath={configPath}", $"--Parameters:master-key={MasterKey}", "--Bridge:Redis=garnet"], cts.Token);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // No dashboard listens in tests; without this, shutdown waits for the exporter.
            builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
        }

        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("admin", cts.Token);

        using var client = app.CreateHttpClient("gateway", "http");
        client.DefaultRequestHeaders.Add("x-api-key", MasterKey);
        using var response = await client.PostAsync("/v1/messages?beta=true", new StringContent(
            """{"model":"claude-haiku-4-5-20251001","max_tokens":64,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"ping"}]}""",
            Encoding.UTF8, "application/json"), cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("through aspire", (string)JsonNode.Parse(body)!["content"]![0]!["text"]!);
        var sent = JsonNode.Parse(upstream.LastRequest.Body)!.AsObject();
        Assert.Equal("gpt-4o", (string)sent["model"]!);
        Assert.False(sent.ContainsKey("thinking"));

        using var admin = app.CreateHttpClient("admin", "http");
        using var health = await admin.GetAsync("/health", cts.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
