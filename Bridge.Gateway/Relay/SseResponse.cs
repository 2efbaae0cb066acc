using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Relay;

public static class SseResponse
{
    /// <summary>Sets the headers of a server-sent-events response; the body is flushed event by event.</summary>
    public static void Begin(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }
}
