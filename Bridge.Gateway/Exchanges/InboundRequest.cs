using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Json;
using Bridge.Gateway.Validation;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// A client request body, read into pooled memory and indexed once (<see cref="JsonTape"/>: no document is built, and
/// strings stay as the client escaped them). Validation, routing, sessions, token counting and the translators all
/// read that one index.
/// </summary>
public sealed class InboundRequest : IDisposable
{
    private PooledBufferWriter _body;
    private JsonTape _tape;

    private InboundRequest(PooledBufferWriter body, JsonTape tape, string model)
    {
        _body = body;
        _tape = tape;
        Model = model;
    }

    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    /// <summary>The body's top-level object, read from the tape.</summary>
    public TapeElement Json => _tape.Root;

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
        var tape = JsonTape.Parse(body.WrittenMemory);
        _tape.Dispose();
        _body.Dispose();
        (_body, _tape) = (body, tape);
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

        JsonTape tape;
        try
        {
            tape = JsonTape.Parse(body.WrittenMemory);
        }
        catch (JsonException ex)
        {
            body.Dispose();
            await ErrorResponses.WriteAsync(context, 400, $"Request body is not valid JSON: {ex.Message}");
            return null;
        }

        var root = tape.Root;
        var surface = ApiSurfaces.For(context);
        var openAI = surface != ApiSurface.Anthropic;
        string? model = modelOverride;
        string? problem = null, param = null;
        if (root.ValueKind != JsonValueKind.Object) problem = "Request body must be a JSON object.";
        // Before any string is read: reading one that is not valid text throws. The scanner has already looked (else
        // the whole body is checked here); the document that names the field at fault is only built when there is one.
        else if (!(tape.IsText ?? Utf8Check.IsText(body.WrittenSpan)))
        {
            using var document = JsonDocument.Parse(body.WrittenMemory);
            var text = Utf8Check.Find(body.WrittenSpan, document.RootElement, openAI)!;
            (problem, param) = (text.Message, text.Param);
        }
        else if (model is null)
        {
            if (root.TryGetProperty("model"u8, out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } named) model = named;
            else (problem, param) = ("model: required, must be a non-empty string.", "model");
        }
        if (problem is null && CheckShape(root, surface) is { } shape) (problem, param) = (shape.Message, shape.Param);

        if (problem is not null)
        {
            tape.Dispose();
            body.Dispose();
            await ErrorResponses.WriteAsync(context, 400, problem, param: param);
            return null;
        }
        return new InboundRequest(body, tape, model!);
    }

    /// <summary>The JSON types of the fields Bridge reads, in the protocol of the path the client called.</summary>
    private static RequestProblem? CheckShape(TapeElement root, ApiSurface surface) => surface switch
    {
        ApiSurface.Anthropic => AnthropicRequestCheck.Find(root),
        ApiSurface.Responses => ResponsesRequestCheck.Find(root),
        _ => OpenAIRequestCheck.Find(root),
    };

    public void Dispose()
    {
        _tape.Dispose();
        _body.Dispose();
    }
}
