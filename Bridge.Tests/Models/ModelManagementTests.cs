using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Gateway.Models;
using Bridge.Gateway.State;
using Microsoft.Extensions.DependencyInjection;
using Bridge.Tests.Infrastructure;
using StackExchange.Redis;

namespace Bridge.Tests.Models;

/// <summary>
/// Deployments changed without a restart: LiteLLM's <c>/model/*</c> API on one replica, served by another within a
/// second through Redis, secrets sealed at rest; and <c>config.yaml</c> reloaded when it changes, a broken edit
/// leaving the previous deployments serving.
/// </summary>
public sealed class ModelManagementTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _upstream = null!;
    private GatewayHost _a = null!;
    private GatewayHost _b = null!;
    private ConnectionMultiplexer _redis = null!;

    private string Config(string extra = "") => $$"""
        model_list:
          - model_name: from-file
            litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-file }
        {{extra}}
        general_settings:
          master_key: {{GatewayHost.MasterKey}}
        """;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString };
        _a = await GatewayHost.StartAsync(Config(), settings);
        _b = await GatewayHost.StartAsync(Config(), settings);
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
        _garnet.Dispose();
    }

    private static async Task<HttpStatusCode> AskAsync(GatewayHost gateway, string model)
    {
        using var client = gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    /// <summary>Polls until <paramref name="model"/> answers <paramref name="expected"/>; returns how long that took.</summary>
    private static async Task<TimeSpan> UntilAsync(GatewayHost gateway, string model, HttpStatusCode expected, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (await AskAsync(gateway, model) != expected)
        {
            Assert.True(watch.Elapsed < limit, $"'{model}' did not answer {expected} within {limit.TotalSeconds} s");
            await Task.Delay(20);
        }
        return watch.Elapsed;
    }

    [Fact]
    public async Task AModelAddedOnOneReplica_IsServedByTheOther_WithinASecond_ItsKeySealed()
    {
        using var admin = _a.CreateClient();
        var added = await admin.PostAsJsonAsync("/model/new", new
        {
            model_name = "added-live",
            litellm_params = new { model = "openai/gpt-4o-mini", api_base = _upstream.BaseUrl + "/v1", api_key = "sk-added-secret-42" },
            model_info = new { input_cost_per_token = 0.000001 },
        });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var id = (string)JsonNode.Parse(await added.Content.ReadAsStringAsync())!["model_id"]!;

        // Replica B learns of it through Redis pub/sub (the 30 s re-read is only a backstop): well within a second.
        var catalog = _b.Services.GetRequiredService<ModelCatalog>();
        var watch = Stopwatch.StartNew();
        while (catalog.Resolve("added-live") is null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "replica B did not see the new model within a second");
            await Task.Delay(5);
        }
        Assert.Equal(HttpStatusCode.OK, await AskAsync(_b, "added-live"));
        Assert.Equal("Bearer sk-added-secret-42", _upstream.LastRequest.Headers["authorization"]);
        Assert.Equal(HttpStatusCode.OK, await AskAsync(_a, "added-live"));

        // At rest and in the API, the key is never there in clear.
        var stored = (string)(await _redis.GetDatabase().HashGetAsync(RedisKeys.Models, id))!;
        Assert.DoesNotContain("sk-added-secret-42", stored);
        Assert.Contains("bridge-enc:v1:", stored);
        var info = await admin.GetStringAsync("/v2/model/info");
        Assert.DoesNotContain("sk-added-secret-42", info);
        Assert.Contains("\"db_model\":true", info);
        Assert.Contains("from-file", info);

        // Disabled, then removed: gone from both replicas.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/model/update", new { model_info = new { id, disabled = true } })).StatusCode);
        await UntilAsync(_b, "added-live", HttpStatusCode.NotFound, TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/model/update", new { model_info = new { id, disabled = false } })).StatusCode);
        await UntilAsync(_b, "added-live", HttpStatusCode.OK, TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/model/delete", new { id })).StatusCode);
        await UntilAsync(_b, "added-live", HttpStatusCode.NotFound, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task BadInput_AndTheFilesModels_AreRefusedClearly()
    {
        using var admin = _a.CreateClient();
        var bad = await admin.PostAsJsonAsync("/model/new", new { model_name = "broken", litellm_params = new { model = "azur/gpt-4o" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("unknown provider", await bad.Content.ReadAsStringAsync());
        var fileModel = await admin.PostAsJsonAsync("/model/delete", new { id = "from-file#0" });
        Assert.Equal(HttpStatusCode.BadRequest, fileModel.StatusCode);
        Assert.Contains("config.yaml", await fileModel.Content.ReadAsStringAsync());

        var key = await TestKeys.CreateAsync(_redis.GetDatabase());
        using var notMaster = _a.CreateClient(key);
        Assert.Equal(HttpStatusCode.Forbidden, (await notMaster.GetAsync("/model/info")).StatusCode);
    }

    [Fact]
    public async Task ConfigYaml_ReloadsOnChange_AndABrokenEditKeepsTheOldOneServing()
    {
        Assert.Equal(HttpStatusCode.NotFound, await AskAsync(_a, "from-file-too"));
        await File.WriteAllTextAsync(_a.ConfigPath, Config($$"""
              - model_name: from-file-too
                litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-file }
            """.Replace("\n", "\n")));
        await UntilAsync(_a, "from-file-too", HttpStatusCode.OK, TimeSpan.FromSeconds(5));

        await File.WriteAllTextAsync(_a.ConfigPath, "model_list: [ this is: not yaml");
        // The gateway says why, where the admin reads it; and the previous deployments keep serving.
        using var client = _a.CreateClient();
        var watch = Stopwatch.StartNew();
        string? reason = null;
        while (reason is null && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            using var health = await client.GetAsync("/health/deployments");
            reason = health.Headers.TryGetValues("x-bridge-config-error", out var values) ? values.First() : null;
            if (reason is null) await Task.Delay(100);
        }
        Assert.NotNull(reason);
        Assert.Contains("invalid YAML", reason);
        Assert.Equal(HttpStatusCode.OK, await AskAsync(_a, "from-file-too"));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(_a, "from-file"));
    }
}
