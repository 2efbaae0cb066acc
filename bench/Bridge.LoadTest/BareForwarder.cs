using System.Net.Http.Headers;

namespace Bridge.LoadTest;

/// <summary>
/// The floor for any .NET gateway on this machine: Kestrel in, <see cref="SocketsHttpHandler"/> out, the request
/// bytes forwarded unchanged to one upstream URL and the answer copied back, nothing else (no parsing, no auth, no
/// routing). <c>bench/wrk-latency.sh</c> measures it next to Bridge, so the latency Bridge adds can be split into
/// the extra hop itself and Bridge's own work.
/// </summary>
public static class BareForwarder
{
    public static async Task<WebApplication> StartAsync(int port, Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { UseCookies = false, UseProxy = false, AllowAutoRedirect = false });
        var json = new MediaTypeHeaderValue("application/json");
        app.MapPost("/{**path}", async context =>
        {
            var body = new MemoryStream((int)(context.Request.ContentLength ?? 4096));
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            using var request = new HttpRequestMessage(HttpMethod.Post, upstream)
            {
                Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length),
            };
            request.Content.Headers.ContentType = json;
            using var response = await invoker.SendAsync(request, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            context.Response.ContentLength = response.Content.Headers.ContentLength;
            await using var answer = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await answer.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }
}
