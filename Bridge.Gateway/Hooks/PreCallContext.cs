using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Hooks;

/// <summary>
/// The upstream request a hook sees. The body is parsed into a mutable tree only when a hook asks for
/// it, so hooks that decide from <see cref="HasTopLevelProperty"/> cost almost nothing.
/// </summary>
public sealed class PreCallContext(ModelDeployment deployment, string clientProtocol, ReadOnlyMemory<byte> body)
{
    private JsonObject? _mutable;

    public ModelDeployment Deployment { get; } = deployment;
    /// <summary><c>anthropic</c> or <c>openai</c>: the protocol of the body.</summary>
    public string UpstreamProtocol { get; } = clientProtocol;
    public ReadOnlyMemory<byte> OriginalBody { get; } = body;
    public bool Modified => _mutable is not null;

    /// <summary>True when the body has the given top-level property (checked without building a tree).</summary>
    public bool HasTopLevelProperty(string name)
    {
        if (_mutable is not null) return _mutable.ContainsKey(name);
        var reader = new Utf8JsonReader(OriginalBody.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name)) return true;
            reader.Read();
            reader.Skip();
        }
        return false;
    }

    /// <summary>The body as an editable tree; edits are sent upstream.</summary>
    public JsonObject GetMutableBody() => _mutable ??= JsonNode.Parse(OriginalBody.Span)!.AsObject();

    public ReadOnlyMemory<byte> FinalBody() => _mutable is null ? OriginalBody : JsonSerializer.SerializeToUtf8Bytes(_mutable);
}
