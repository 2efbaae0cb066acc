using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Pipeline;
using Microsoft.AspNetCore.Diagnostics;

namespace Bridge.Gateway.Endpoints;

public static class GatewayEndpoints
{
    /// <summary>Maps the gateway's HTTP surface: probes, the Anthropic and OpenAI APIs, and a per-surface 404.</summary>
    public static WebApplication MapBridgeGateway(this WebApplication app)
    {
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            // Never a stack trace: the client gets a short message in its own envelope.
            var feature = context.Features.Get<IExceptionHandlerFeature>();
            var message = feature?.Error is BadHttpRequestException bad ? bad.Message : "Internal error in the gateway.";
            var status = feature?.Error is BadHttpRequestException badStatus ? badStatus.StatusCode : 500;
            await ErrorResponses.WriteAsync(context, status, message);
        }));
        app.UseMiddleware<GatewayMiddleware>();

        app.MapMethods("/", ["GET", "HEAD"], () => Results.Text("Bridge LLM gateway: POST /v1/messages or /v1/chat/completions\n"));
        // The pipeline is a singleton, so the hot endpoints are plain request delegates: no per-request service
        // scope and no parameter binding.
        var pipeline = app.Services.GetRequiredService<ProxyPipeline>();
        app.MapPost("/v1/messages", context => pipeline.HandleAsync(context, ApiSurface.Anthropic));
        app.MapPost("/v1/chat/completions", context => pipeline.HandleAsync(context, ApiSurface.OpenAI));
        app.MapPost("/chat/completions", context => pipeline.HandleAsync(context, ApiSurface.OpenAI));
        // OpenAI's Responses API (Codex CLI), also under Azure's two paths for it.
        foreach (var path in new[] { "/v1/responses", "/responses", "/openai/v1/responses", "/openai/responses" })
        {
            app.MapPost(path, context => pipeline.HandleAsync(context, ApiSurface.Responses));
        }
        // Clients that only know Azure OpenAI: the deployment name in the path is the model name.
        app.MapPost("/openai/deployments/{deployment}/chat/completions",
            context => pipeline.HandleAsync(context, ApiSurface.OpenAI, (string)context.GetRouteValue("deployment")!));
        app.MapStoredResponses();
        app.MapModelManagement();
        app.MapModelsApi();
        app.MapCountTokensApi();
        app.MapDeploymentHealth();
        app.MapBridgePrometheus();

        app.MapFallback(async context =>
            await ErrorResponses.WriteAsync(context, 404, $"Not found: {context.Request.Method} {context.Request.Path}"));
        return app;
    }
}
