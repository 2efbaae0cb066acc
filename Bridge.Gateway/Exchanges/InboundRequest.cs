using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Validation;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>A client request body, read into pooled memory and parsed once.</summary>
public sealed class InboundRequest : IDisposable
{
    private PooledBufferWriter _body;
    private JsonDocument _document;

    private InboundRequest(PooledBufferWriter body, JsonDocument document, string model)
    {
        _body = body;
        _document = document;
        Model = model;
    }

    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;
    public JsonElement Root => _document.RootElement;
    /// <summary>The model the client asked for (or the Azure-style path's deployment name).</summary>
    public string Model { get; }

    /// <summary>
    /// A Responses request whose answer the gateway stores itself (<c>store</c>, <c>previous_response_id</c>): the
    /// upstream is asked to keep nothing.
    /// </summary>
    public bool GatewayStoresResponse { get; internal set; }

    /// <summary>Replaces the body with one the gateway wrote (a stored conversation spliced in); parsed again.</summary>
    internal void ReplaceBody(PooledBufferWriter body)
    {
        var document = JsonDocument.Parse(body.WrittenMemory);
        _document.Dispose();
        _body.Dispose();
        (_body, _document) = (body, document);
    }

    /// <summary>
    /// The conversation the request belongs to, scoped to the caller's key (set by the pipeline; null when the client
    /// names none). Routing pins it to a deployment; OpenAI-format translators send its <c>prompt_cache_key</c>.
    /// </summary>
    public Sessions.SessionKey? Session { get; set; }

    /// <summary>Reads and parses the body; on bad input writes a 4xx in the client's envelope and returns null.</summary>
    public static async Task<InboundRequest?> ReadAsync(HttpContext context, GatewayOptions options, string? modelOverride = null)
    {
        var body = await RequestBody.ReadAsync(context, options.MaxRequestBodyBytes,
            options.BodyBudget.ForCaller(GatewayMiddleware.CallerOf(context).KeyId));
        if (body is null) return null;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.WrittenMemory);
        }
        catch (JsonException ex)
        {
            body.Dispose();
            await ErrorResponses.WriteAsync(context, 400, $"Request body is not valid JSON: {ex.Message}");
            return null;
        }

        var root = document.RootElement;
        var surface = ApiSurfaces.For(context);
        var openAI = surface != ApiSurface.Anthropic;
        string? model = modelOverride;
        string? problem = null, param = null;
        if (root.ValueKind != JsonValueKind.Object) problem = "Request body must be a JSON object.";
        // Before any string is read: reading one that is not valid text throws.
        else if (Utf8Check.Find(body.WrittenSpan, root, openAI) is { } text) (problem, param) = (text.Message, text.Param);
        else if (model is null)
        {
            if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } named) model = named;
            else (problem, param) = ("model: required, must be a non-empty string.", "model");
        }
        if (problem is null && CheckShape(root, surface) is { } shape) (problem, param) = (shape.Message, shape.Param);

        if (problem is not null)
        {
            document.Dispose();
            body.Dispose();
            await ErrorResponses.WriteAsync(context, 400, problem, param: param);
            return null;
        }
        return new InboundRequest(body, document, model!);
    }

    /// <summary>The JSON types of the fields Bridge reads, in the protocol of the path the client called.</summary>
    private static RequestProblem? CheckShape(JsonElement root, ApiSurface surface) => surface switch
    {
        ApiSurface.Anthropic => AnthropicRequestCheck.Find(root),
        ApiSurface.Responses => ResponsesRequestCheck.Find(root),
        _ => OpenAIRequestCheck.Find(root),
    };

    public void Dispose()
    {
        _document.Dispose();
        _body.Dispose();
    }
}
