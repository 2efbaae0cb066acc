using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Infrastructure;

/// <summary>Parses an SSE body into (event, JSON data) pairs with the BCL's SSE parser.</summary>
public static class Sse
{
    public static List<(string Event, JsonNode? Data)> Parse(string body)
    {
        var result = new List<(string, JsonNode?)>();
        var parser = SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        foreach (var item in parser.Enumerate())
        {
            result.Add((item.EventType, item.Data == "[DONE]" ? null : JsonNode.Parse(item.Data)));
        }
        return result;
    }
}
