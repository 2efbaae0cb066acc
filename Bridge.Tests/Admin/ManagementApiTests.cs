using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;

namespace Bridge.Tests.Admin;

public sealed class ManagementApiTests(AdminStackFixture fixture) : IClassFixture<AdminStackFixture>
{
    private static int s_guessers;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("GET", "api/keys")]
    [InlineData("POST", "api/keys")]
    [InlineData("GET", "api/master-keys")]
    [InlineData("GET", "api/aliases")]
    [InlineData("GET", "api/usage")]
    [InlineData("GET", "api/usage.csv")]
    [InlineData("GET", "api/usage/dead-letters")]
    [InlineData("GET", "api/usage/sessions")]
    [InlineData("POST", "key/generate")]
    [InlineData("GET", "key/info?key=x")]
    [InlineData("GET", "key/list")]
    [InlineData("POST", "key/delete")]
    [InlineData("GET", "openapi/v1.json")]
    public async Task NoApiAnswers_WithoutAMasterKey(string method, string path)
    {
        using var anonymous = fixture.ApiClient(null);
        using var wrong = fixture.ApiClient("sk-not-a-master-key-000000000000");
        // Each case guesses from its own address: one address guessing over and over is locked out (429, MasterKeyThrottleTests).
        wrong.DefaultRequestHeaders.Add("X-Forwarded-For", $"192.0.2.{Interlocked.Increment(ref s_guessers)}");

        foreach (var client in new[] { anonymous, wrong })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("{}") });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var error = await AdminStackFixture.JsonAsync(response);
            Assert.Equal("authentication_error", (string?)error["error"]!["type"]);
        }
    }

    [Fact]
    public async Task SessionCookie_DoesNotOpenTheApi()
    {
        using var browser = fixture.Host.CreateClient();
        await AdminHost.SignInAsync(browser, AdminHost.MasterKey);

        using var response = await browser.GetAsync("api/keys");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("keys")]
    [InlineData("usage")]
    [InlineData("master-keys")]
    [InlineData("deployments")]
    [InlineData("aliases")]
    [InlineData("usage/export.csv")]
    public async Task Pages_RedirectToLogin_WithoutSession(string path)
    {
        using var client = fixture.Host.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Keys_CreateReadUpdateBlockRotateRevoke()
    {
        using var api = fixture.ApiClient();

        using var created = await api.PostAsync("api/keys", Json("""
            {"name": "api-alice", "owner": "alice", "models": ["gpt-4o-test"], "max_budget_usd": 12.5, "budget_duration": "30d",
             "rpm_limit": 10, "tpm_limit": 5000, "max_parallel_requests": 2, "metadata": {"team": "search"}}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await AdminStackFixture.JsonAsync(created);
        var key = (string)body["key"]!;
        var id = (string)body["id"]!;
        Assert.StartsWith("sk-", key);
        Assert.Equal(key[..7] + "...", (string?)body["key_prefix"]);
        Assert.Equal(12.5m, (decimal)body["max_budget_usd"]!);
        Assert.Equal("search", (string?)body["metadata"]!["team"]);
        Assert.Equal($"/api/keys/{id}", created.Headers.Location!.OriginalString);

        var read = await api.GetFromJsonAsync<JsonObject>($"api/keys/{id}");
        Assert.Null(read!["key"]);
        Assert.Equal("alice", (string?)read["owner"]);
        Assert.Equal(0m, (decimal)read["spend_usd"]!);

        using var patched = await api.PatchAsync($"api/keys/{id}", Json("""{"rpm_limit": null, "name": "api-alice-2"}"""));
        var patchedBody = await AdminStackFixture.JsonAsync(patched);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Null(patchedBody["rpm_limit"]);
        Assert.Equal(5000, (int)patchedBody["tpm_limit"]!);
        Assert.Equal("api-alice-2", (string?)patchedBody["name"]);

        using var blocked = await api.PostAsync($"api/keys/{id}/block", null);
        Assert.True((bool)(await AdminStackFixture.JsonAsync(blocked))["blocked"]!);

        var search = await api.GetFromJsonAsync<JsonObject>("api/keys?search=API-ALICE-2");
        Assert.Contains(search!["keys"]!.AsArray(), k => (string?)k!["id"] == id);

        using var rotated = await api.PostAsync($"api/keys/{id}/rotate", null);
        var rotatedBody = await AdminStackFixture.JsonAsync(rotated);
        Assert.Equal(id, (string?)rotatedBody["id"]);
        Assert.NotEqual(key, (string?)rotatedBody["key"]);

        using var revoked = await api.DeleteAsync($"api/keys/{id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var gone = await api.GetAsync($"api/keys/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Keys_WholeKeySearch_TakesTheKeyInABody_NeverInAUrl()
    {
        using var api = fixture.ApiClient();
        using var created = await api.PostAsync("api/keys", Json("""{"name": "search-by-value"}"""));
        var body = await AdminStackFixture.JsonAsync(created);
        var key = (string)body["key"]!;
        var id = (string)body["id"]!;

        using var inUrl = await api.GetAsync($"api/keys?search={Uri.EscapeDataString(key)}");
        Assert.Equal(HttpStatusCode.BadRequest, inUrl.StatusCode);
        var error = (await AdminStackFixture.JsonAsync(inUrl))["error"]!;
        Assert.Equal("search", (string?)error["param"]);
        Assert.Contains("/api/keys/search", (string?)error["message"]);

        using var inBody = await api.PostAsync("api/keys/search", Json($$"""{"search": "{{key}}"}"""));
        Assert.Equal(HttpStatusCode.OK, inBody.StatusCode);
        var found = await AdminStackFixture.JsonAsync(inBody);
        Assert.Equal(id, (string?)Assert.Single(found["keys"]!.AsArray())!["id"]);
        Assert.Null(found["keys"]![0]!["key"]);

        var byPrefix = await api.GetFromJsonAsync<JsonObject>($"api/keys?search={Uri.EscapeDataString(key[..7] + "...")}");
        Assert.Contains(byPrefix!["keys"]!.AsArray(), k => (string?)k!["id"] == id);

        // LiteLLM's own lookup keeps taking the value in its query string, for existing scripts.
        using var liteLlm = await api.GetAsync($"key/info?key={Uri.EscapeDataString(key)}");
        Assert.Equal(HttpStatusCode.OK, liteLlm.StatusCode);
    }

    [Theory]
    [InlineData("""{"rpm_limit": "ten"}""", "rpm_limit")]
    [InlineData("""{"rpm_limit": 0}""", "rpm_limit")]
    [InlineData("""{"models": "gpt-4o"}""", "models")]
    [InlineData("""{"budget_duration": "monthly"}""", "budget_duration")]
    [InlineData("""{"expires_at": "tomorrow"}""", "expires_at")]
    [InlineData("""{"expires_at": "2001-01-01T00:00:00Z"}""", "expires_at")]
    [InlineData("""{"max_budget_usd": 9300000000000}""", "max_budget_usd")]
    [InlineData("""{"max_budget_usd": 1e40}""", "max_budget_usd")]
    [InlineData("""{"max_budget_usd": -1}""", "max_budget_usd")]
    [InlineData("""{"nmae": "typo"}""", "nmae")]
    [InlineData("""{"name": """, "body")]
    [InlineData("""[1, 2]""", "body")]
    public async Task Keys_InvalidInput_Is400_NamingTheField(string json, string field)
    {
        using var api = fixture.ApiClient();

        using var response = await api.PostAsync("api/keys", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await AdminStackFixture.JsonAsync(response))["error"]!;
        Assert.Equal(field, (string?)error["param"]);
        Assert.StartsWith(field + ":", (string?)error["message"]);
    }

    [Fact]
    public async Task LiteLlm_GenerateInfoUpdateListDelete()
    {
        using var api = new HttpClient { BaseAddress = fixture.Host.BaseAddress };
        api.DefaultRequestHeaders.Add("x-api-key", AdminHost.MasterKey);

        using var generated = await api.PostAsync("key/generate", Json("""
            {"key_alias": "litellm-script", "models": ["claude-test"], "max_budget": 5, "budget_duration": "1mo",
             "rpm_limit": 30, "tpm_limit": 1000, "max_parallel_requests": 4, "duration": "30d",
             "metadata": {"source": "ci"}, "aliases": {"sonnet": "claude-test"}, "user_id": "frank", "team_id": "ignored"}
            """));
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var body = await AdminStackFixture.JsonAsync(generated);
        var key = (string)body["key"]!;
        var token = (string)body["token"]!;
        Assert.StartsWith("sk-", key);
        Assert.Equal("litellm-script", (string?)body["key_alias"]);
        Assert.Equal("frank", (string?)body["user_id"]);
        Assert.Equal(5m, (decimal)body["max_budget"]!);
        var expires = DateTimeOffset.Parse((string)body["expires"]!);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(29.9), DateTimeOffset.UtcNow.AddDays(30.1));

        var info = await api.GetFromJsonAsync<JsonObject>($"key/info?key={Uri.EscapeDataString(key)}");
        Assert.Equal(token, (string?)info!["key"]);
        Assert.Equal("claude-test", (string?)info["info"]!["aliases"]!["sonnet"]);
        Assert.Equal(0m, (decimal)info["info"]!["spend"]!);

        using var oversized = await api.PostAsync("key/update", Json($$"""{"key": "{{key}}", "max_budget": 1e13}"""));
        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
        Assert.Contains("between 0 and", (string?)(await AdminStackFixture.JsonAsync(oversized))["error"]!["message"]);
        using var updated = await api.PostAsync("key/update", Json($$"""{"key": "{{key}}", "max_budget": 9, "blocked": true}"""));
        var updatedBody = await AdminStackFixture.JsonAsync(updated);
        Assert.Equal((9m, true, 30), ((decimal)updatedBody["max_budget"]!, (bool)updatedBody["blocked"]!, (int)updatedBody["rpm_limit"]!));

        var list = await api.GetFromJsonAsync<JsonObject>("key/list?key_alias=litellm-script&size=100");
        Assert.Contains(list!["keys"]!.AsArray(), k => (string?)k == token);
        Assert.True((int)list["total_count"]! >= 1);

        using var deleted = await api.PostAsync("key/delete", Json($$"""{"keys": ["{{key}}"]}"""));
        Assert.Equal(token, (string?)(await AdminStackFixture.JsonAsync(deleted))["deleted_keys"]![0]);
        using var after = await api.GetAsync($"key/info?key={token}");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Theory]
    [InlineData("key/generate", """{"key": "sk-my-own-value-123456789"}""", "key")]
    [InlineData("key/generate", """{"duration": "forever"}""", "duration")]
    [InlineData("key/generate", """{"max_budget": "lots"}""", "max_budget")]
    [InlineData("key/generate", """{"max_budget": 9300000000000}""", "max_budget")]
    [InlineData("key/update", """{"rpm_limit": 5}""", "key")]
    [InlineData("key/delete", """{"keys": []}""", "keys")]
    public async Task LiteLlm_InvalidInput_Is400_NamingTheField(string path, string json, string field)
    {
        using var api = fixture.ApiClient();

        using var response = await api.PostAsync(path, Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (string?)(await AdminStackFixture.JsonAsync(response))["error"]!["param"]);
    }

    [Fact]
    public async Task MasterKeys_CreatedKeyOpensApiAndSignIn_UntilRevoked_ConfigKeyIsProtected()
    {
        using var api = fixture.ApiClient();
        using var created = await api.PostAsync("api/master-keys", Json("""{"name": "automation"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await AdminStackFixture.JsonAsync(created);
        var key = (string)body["key"]!;
        var id = (string)body["id"]!;

        using var withNewKey = fixture.ApiClient(key);
        Assert.Equal(HttpStatusCode.OK, (await withNewKey.GetAsync("api/keys")).StatusCode);
        using var browser = fixture.Host.CreateClient();
        using var signedIn = await AdminHost.SignInAsync(browser, key);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("keys")).StatusCode);

        var list = await api.GetFromJsonAsync<JsonObject>("api/master-keys");
        Assert.Contains(list!["master_keys"]!.AsArray(), k => (string?)k!["id"] == id && (string?)k["name"] == "automation");

        using var protectedKey = await api.DeleteAsync("api/master-keys/config");
        Assert.Equal(HttpStatusCode.Conflict, protectedKey.StatusCode);

        using var revoked = await api.DeleteAsync($"api/master-keys/{id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withNewKey.GetAsync("api/keys")).StatusCode);
        using var sessionAfter = await browser.GetAsync("keys"); // the session opened with it ends too
        Assert.Equal(HttpStatusCode.Redirect, sessionAfter.StatusCode);
    }

    [Fact]
    public async Task Aliases_SeededFromConfig_SetAndDelete_WithFieldErrors()
    {
        using var api = fixture.ApiClient();

        var aliases = await api.GetFromJsonAsync<JsonObject>("api/aliases");
        Assert.Equal("claude-test", (string?)aliases!["sonnet-alias"]);

        using var set = await api.PutAsync("api/aliases/fast", Json("""{"target": "gpt-4o-test"}"""));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("gpt-4o-test", (string?)(await api.GetFromJsonAsync<JsonObject>("api/aliases"))!["fast"]);

        using var bad = await api.PutAsync("api/aliases/fast", Json("""{"target": "no-such-model"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("target", (string?)(await AdminStackFixture.JsonAsync(bad))["error"]!["param"]);

        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync("api/aliases/fast")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync("api/aliases/fast")).StatusCode);
    }

    [Fact]
    public async Task Usage_Json_CarriesCacheWritesHitRateAndSavings()
    {
        var redis = new RedisConnection(fixture.Garnet.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisConnection>.Instance);
        await using var _ = redis;
        var db = (await redis.DatabaseAsync())!;
        await UsageScript.ApplyAsync(db, new UsageRecord
        {
            RequestId = "api-usage-cache-1", Time = new DateTimeOffset(2032, 3, 3, 12, 0, 0, TimeSpan.Zero), KeyId = "vk_cache_api", Model = "claude-test",
            Deployment = "claude#0", Status = 200, InputTokens = 100, OutputTokens = 10, CachedTokens = 4000, CacheWriteTokens = 1000,
            CostMicros = 6000, CacheSavingsMicros = 10_800,
        }, null);
        using var api = fixture.ApiClient();

        var usage = await api.GetFromJsonAsync<JsonObject>("api/usage?from=2032-03-03&to=2032-03-03");
        foreach (var counters in new[] { usage!["totals"]!, usage["by_model"]![0]!["usage"]!, usage["by_deployment"]![0]!["usage"]!, usage["by_key"]![0]!["usage"]!, usage["by_day"]![0]!["usage"]! })
        {
            Assert.Equal(4000, (long)counters["cached_tokens"]!);
            Assert.Equal(1000, (long)counters["cache_write_tokens"]!);
            Assert.Equal(0.7843, (double)counters["cache_hit_rate"]!); // 4000 / 5100
            Assert.Equal(0.0108m, (decimal)counters["cache_savings_usd"]!);
        }

        var csv = await api.GetStringAsync("api/usage.csv?from=2032-03-03&to=2032-03-03");
        Assert.Contains("2032-03-03,deployment,claude#0,,1,0,100,10,4000,0.006,1000,0.7843,0.0108", csv.Split('\n'));
    }

    [Fact]
    public async Task Usage_JsonAndCsv_FromWhatTheGatewayRecorded()
    {
        var redis = new RedisConnection(fixture.Garnet.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisConnection>.Instance);
        await using var _ = redis;
        var db = (await redis.DatabaseAsync())!;
        var day = new DateTimeOffset(2031, 5, 2, 12, 0, 0, TimeSpan.Zero);
        await UsageScript.ApplyAsync(db, new UsageRecord
        {
            RequestId = "api-usage-1", Time = day, KeyId = "vk_usage", Model = "gpt-4o-test", Deployment = "dep-1",
            Status = 200, InputTokens = 7, OutputTokens = 3, CostMicros = 2_500_000,
        }, null);
        using var api = fixture.ApiClient();

        var usage = await api.GetFromJsonAsync<JsonObject>("api/usage?from=2031-05-01&to=2031-05-03");
        Assert.Equal(1, (int)usage!["totals"]!["requests"]!);
        Assert.Equal(2.5m, (decimal)usage["totals"]!["cost_usd"]!);
        Assert.Equal(3, usage["by_day"]!.AsArray().Count);
        Assert.Equal("vk_usage", (string?)usage["by_key"]![0]!["name"]);
        Assert.Equal("dep-1", (string?)usage["by_deployment"]![0]!["name"]);

        using var csv = await api.GetAsync("api/usage.csv?from=2031-05-01&to=2031-05-03");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains("2031-05-02,model,gpt-4o-test,,1,0,7,3,0,2.5,0,0,0", lines);

        using var bad = await api.GetAsync("api/usage?from=May");
        Assert.Equal("from", (string?)(await AdminStackFixture.JsonAsync(bad))["error"]!["param"]);

        var recent = await api.GetFromJsonAsync<JsonObject>("api/usage/recent?limit=5");
        Assert.Contains(recent!["requests"]!.AsArray(), r => (string?)r!["request_id"] == "api-usage-1");
    }

    [Fact]
    public async Task UsageDeadLetters_ListWhatRedisRefused()
    {
        var redis = new RedisConnection(fixture.Garnet.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisConnection>.Instance);
        await using var _ = redis;
        var time = new DateTimeOffset(2031, 6, 1, 12, 0, 0, TimeSpan.Zero);
        await (await redis.DatabaseAsync())!.StringSetAsync(RedisKeys.Usage(RedisKeys.Day(time), "deployment", "dep-api-poisoned"), "not a hash");
        using var telemetry = Infrastructure.TestTelemetry.Create();
        var writer = new UsageWriter(redis, telemetry, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<UsageWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        writer.Record(new UsageRecord { RequestId = "api-dead-1", Time = time, KeyId = "vk_dead", Model = "gpt-4o-test", Deployment = "dep-api-poisoned", Status = 200 });
        for (var i = 0; i < 200 && writer.DeadLettered == 0; i++) await Task.Delay(50);
        await writer.StopAsync(CancellationToken.None);
        using var api = fixture.ApiClient();

        var dead = await api.GetFromJsonAsync<JsonObject>("api/usage/dead-letters?limit=10");

        Assert.True((long)dead!["count"]! >= 1);
        var entry = dead["entries"]!.AsArray().Single(e => (string?)e!["request_id"] == "api-dead-1")!;
        Assert.Equal(("vk_dead", "dep-api-poisoned"), ((string?)entry["key_id"], (string?)entry["deployment"]));
        Assert.Contains("WRONGTYPE", (string?)entry["reason"]);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi()
    {
        using var api = fixture.ApiClient();

        var document = await api.GetFromJsonAsync<JsonObject>("openapi/v1.json");

        var paths = document!["paths"]!.AsObject();
        foreach (var path in new[] { "/api/keys", "/api/keys/{id}", "/api/keys/{id}/rotate", "/api/master-keys", "/api/aliases", "/api/usage", "/api/usage.csv", "/key/generate", "/key/info", "/key/update", "/key/delete", "/key/list" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is not in the OpenAPI document");
        }
    }
}
