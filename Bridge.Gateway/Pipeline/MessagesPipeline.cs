using System.Net.Http.Headers;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Hooks;
using Bridge.Gateway.Models;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Pipeline;

/// <summary>
/// <c>POST /v1/messages</c>: resolves the model, picks a deployment, and either translates to OpenAI
/// Chat Completions (Azure, OpenAI, Ollama, echo) or forwards natively (Anthropic).
/// </summary>
public sealed class MessagesPipeline(
    ModelCatalog catalog,
    IDeploymentSelector selector,
    OpenAITargets targets,
    HookRegistry hooks,
    UpstreamClients clients,
    GatewayOptions options,
    ILogger<MessagesPipeline> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        using var body = await RequestBody.ReadAsync(context, options.MaxRequestBodyBytes);
        if (body is null) return;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.WrittenMemory);
        }
        catch (JsonException ex)
        {
            await ErrorResponses.WriteAsync(context, 400, $"Request body is not valid JSON: {ex.Message}");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await ErrorResponses.WriteAsync(context, 400, "Request body must be a JSON object.");
                return;
            }
            if (!root.TryGetProperty("model", out var modelElement) || modelElement.ValueKind != JsonValueKind.String
                || modelElement.GetString() is not { Length: > 0 } requestedModel)
            {
                await ErrorResponses.WriteAsync(context, 400, "model: required, must be a non-empty string.");
                return;
            }

            var group = catalog.Resolve(requestedModel);
            if (group is null)
            {
                await ErrorResponses.WriteAsync(context, 404,
                    $"Model '{requestedModel}' is not served by this gateway. Available models: {string.Join(", ", catalog.PublicNames())}.");
                return;
            }

            var deployment = selector.Pick(group, out var reason);
            if (deployment is null)
            {
                await ErrorResponses.WriteAsync(context, 503, $"Model '{requestedModel}' cannot be served: {reason}.");
                return;
            }

            if (deployment.Provider == ProviderKind.Anthropic)
            {
                await ForwardNativeAsync(context, body.WrittenMemory, deployment, "");
            }
            else
            {
                await TranslateToOpenAIAsync(context, root, requestedModel, deployment);
            }
        }
    }

    private async Task TranslateToOpenAIAsync(HttpContext context, JsonElement root, string requestedModel, ModelDeployment deployment)
    {
        using var translated = new PooledBufferWriter(16 * 1024);
        var result = AnthropicToOpenAIRequest.Translate(root, targets.For(deployment), translated);
        if (!result.Ok)
        {
            await ErrorResponses.WriteAsync(context, 400, result.ErrorMessage ?? "Invalid request.");
            return;
        }

        var payload = await RunHooksAsync(context, deployment, "openai", translated.WrittenMemory);
        if (payload is null) return;

        using var request = new HttpRequestMessage(HttpMethod.Post, UpstreamEndpoints.ChatCompletions(deployment));
        request.Content = new ReadOnlyMemoryContent(payload.Value);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        UpstreamEndpoints.ApplyAuth(request, deployment);
        UpstreamEndpoints.ApplyExtraHeaders(request, deployment);
        if (result.Stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var limit = (result.Stream ? deployment.StreamTimeout : null) ?? deployment.Timeout;
        if (limit is { } t) timeout.CancelAfter(t);

        HttpResponseMessage response;
        try
        {
            response = await clients.For(deployment).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(logger, deployment.Id);
            return;
        }
        catch (OperationCanceledException)
        {
            await ErrorResponses.WriteAsync(context, 504, $"{deployment.Id}: upstream did not answer within {limit?.TotalSeconds:0.#} s.");
            return;
        }
        catch (HttpRequestException ex)
        {
            GatewayLog.UpstreamUnreachable(logger, deployment.Id, ex.Message);
            await ErrorResponses.WriteAsync(context, 502, $"{deployment.Id}: upstream unreachable: {ex.Message}");
            return;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await UpstreamError.ReadAsync(response, deployment.Id, context.RequestAborted);
                GatewayLog.UpstreamError(logger, deployment.Id, error.StatusCode);
                await ErrorResponses.WriteAsync(context, error.StatusCode, error.Message, error.RetryAfter);
                return;
            }

            try
            {
                if (result.Stream)
                {
                    await StreamTranslatedAsync(context, response, result, deployment, timeout.Token);
                }
                else
                {
                    await RespondTranslatedAsync(context, response, result, deployment, timeout.Token);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                GatewayLog.ClientDisconnected(logger, deployment.Id);
            }
        }
    }

    private async Task RespondTranslatedAsync(HttpContext context, HttpResponseMessage response, RequestTranslation request, ModelDeployment deployment, CancellationToken ct)
    {
        JsonDocument upstream;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            upstream = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        }
        catch (JsonException)
        {
            await ErrorResponses.WriteAsync(context, 502, $"{deployment.Id}: upstream returned a body that is not JSON.");
            return;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await ErrorResponses.WriteAsync(context, 504, $"{deployment.Id}: upstream response timed out.");
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            await ErrorResponses.WriteAsync(context, 502, $"{deployment.Id}: upstream connection failed: {ex.Message}");
            return;
        }

        using (upstream)
        {
            using var output = new PooledBufferWriter(8 * 1024);
            var translated = OpenAIToAnthropicResponse.Translate(upstream.RootElement, request.RequestedModel, request.ToolNames, request.StopSequences, output);
            if (!translated.Ok)
            {
                await ErrorResponses.WriteAsync(context, 502, $"{deployment.Id}: {translated.ErrorMessage}");
                return;
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = output.WrittenCount;
            await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
        }
    }

    private async Task StreamTranslatedAsync(HttpContext context, HttpResponseMessage response, RequestTranslation request, ModelDeployment deployment, CancellationToken ct)
    {
        var http = context.Response;
        http.StatusCode = 200;
        http.ContentType = "text/event-stream; charset=utf-8";
        http.Headers.CacheControl = "no-cache";
        http.Headers["X-Accel-Buffering"] = "no";
        var writer = http.BodyWriter;

        var translator = new OpenAIToAnthropicStream(request.RequestedModel, request.ToolNames, request.StopSequences, 0);
        translator.WriteStart(writer);
        await writer.FlushAsync(ct);

        UpstreamStreamPump.PumpEnd end;
        try
        {
            await using var upstream = await response.Content.ReadAsStreamAsync(ct);
            end = await UpstreamStreamPump.RunAsync(
                upstream,
                (_, data) =>
                {
                    if (translator.OnChunk(data, writer)) return UpstreamStreamPump.ItemResult.Continue;
                    // The upstream sent an error object (or garbage) inside the stream.
                    translator.WriteError("api_error", $"{deployment.Id}: {translator.UpstreamError}", writer);
                    return UpstreamStreamPump.ItemResult.Done;
                },
                async () => await writer.FlushAsync(ct),
                async () =>
                {
                    translator.WritePing(writer);
                    await writer.FlushAsync(ct);
                },
                options.StreamPingInterval,
                ct);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.UpstreamStreamBroken(logger, deployment.Id, "timed out");
            translator.WriteError("timeout_error", $"{deployment.Id}: upstream stream timed out.", writer);
            await writer.FlushAsync(CancellationToken.None);
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            GatewayLog.UpstreamStreamBroken(logger, deployment.Id, ex.Message);
            translator.WriteError("api_error", $"{deployment.Id}: upstream stream broke: {ex.Message}", writer);
            await writer.FlushAsync(CancellationToken.None);
            return;
        }

        if (translator.Completed)
        {
            // Already ended by an in-stream upstream error.
        }
        else if (end == UpstreamStreamPump.PumpEnd.EndOfStream && translator.FinishReason is null)
        {
            GatewayLog.UpstreamStreamBroken(logger, deployment.Id, "ended before a finish_reason");
            translator.WriteError("api_error", $"{deployment.Id}: upstream stream ended before the response was complete.", writer);
        }
        else
        {
            translator.WriteEnd(writer);
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>Forwards an Anthropic request to an <c>anthropic/</c> deployment: only the model name changes.</summary>
    internal async Task ForwardNativeAsync(HttpContext context, ReadOnlyMemory<byte> body, ModelDeployment deployment, string pathSuffix)
    {
        using var rewritten = new PooledBufferWriter(body.Length + 64);
        ModelRewriter.ReplaceModel(body.Span, deployment.UpstreamModel, rewritten);
        var payload = await RunHooksAsync(context, deployment, "anthropic", rewritten.WrittenMemory);
        if (payload is null) return;

        using var request = new HttpRequestMessage(HttpMethod.Post, UpstreamEndpoints.AnthropicMessages(deployment, pathSuffix));
        request.Content = new ReadOnlyMemoryContent(payload.Value);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var inbound = context.Request.Headers;
        request.Headers.TryAddWithoutValidation("anthropic-version",
            inbound.TryGetValue("anthropic-version", out var version) && !string.IsNullOrEmpty(version) ? version.ToString() : "2023-06-01");
        if (inbound.TryGetValue("anthropic-beta", out var beta) && !string.IsNullOrEmpty(beta))
            request.Headers.TryAddWithoutValidation("anthropic-beta", beta.ToString());
        UpstreamEndpoints.ApplyAuth(request, deployment);
        UpstreamEndpoints.ApplyExtraHeaders(request, deployment);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (deployment.Timeout is { } t) timeout.CancelAfter(t);

        HttpResponseMessage response;
        try
        {
            response = await clients.For(deployment).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(logger, deployment.Id);
            return;
        }
        catch (OperationCanceledException)
        {
            await ErrorResponses.WriteAsync(context, 504, $"{deployment.Id}: upstream did not answer in time.");
            return;
        }
        catch (HttpRequestException ex)
        {
            GatewayLog.UpstreamUnreachable(logger, deployment.Id, ex.Message);
            await ErrorResponses.WriteAsync(context, 502, $"{deployment.Id}: upstream unreachable: {ex.Message}");
            return;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await UpstreamError.ReadAsync(response, deployment.Id, context.RequestAborted);
                GatewayLog.UpstreamError(logger, deployment.Id, error.StatusCode);
                await ErrorResponses.WriteAsync(context, error.StatusCode, error.Message, error.RetryAfter);
                return;
            }

            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            if (response.Content.Headers.ContentLength is { } length) context.Response.ContentLength = length;
            try
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(timeout.Token);
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await upstream.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                GatewayLog.ClientDisconnected(logger, deployment.Id);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                GatewayLog.UpstreamStreamBroken(logger, deployment.Id, ex.Message);
                if (context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) == true)
                {
                    var error = AnthropicErrors.Write(AnthropicErrors.Api, $"{deployment.Id}: upstream stream broke: {ex.Message}");
                    await context.Response.Body.WriteAsync("event: error\ndata: "u8.ToArray(), CancellationToken.None);
                    await context.Response.Body.WriteAsync(error, CancellationToken.None);
                    await context.Response.Body.WriteAsync("\n\n"u8.ToArray(), CancellationToken.None);
                }
            }
        }
    }

    /// <summary>Runs the configured pre-call hooks; returns the final body, or null after writing a rejection.</summary>
    private async Task<ReadOnlyMemory<byte>?> RunHooksAsync(HttpContext context, ModelDeployment deployment, string protocol, ReadOnlyMemory<byte> body)
    {
        if (hooks.Active.Count == 0) return body;
        var hookContext = new PreCallContext(deployment, protocol, body);
        foreach (var hook in hooks.Active)
        {
            var decision = await hook.OnPreCallAsync(hookContext, context.RequestAborted);
            if (decision.Rejected)
            {
                await ErrorResponses.WriteAsync(context, decision.StatusCode, $"Rejected by {hook.Name}: {decision.Message}");
                return null;
            }
        }
        return hookContext.FinalBody();
    }
}
