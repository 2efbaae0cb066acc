using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Json;

namespace Bridge.Tests.Infrastructure;

/// <summary>
/// A <see cref="TapeElement"/> over a copy of a value's JSON text, for tests that hold a <see cref="JsonElement"/> or a
/// string and call code that reads the gateway's tape. Built with <see cref="JsonTape.Parse"/>, as the gateway does.
/// </summary>
public static class TestTapes
{
    public static TapeElement Of(JsonElement value) => JsonTape.Parse(JsonMarshal.GetRawUtf8Value(value).ToArray()).Root;

    public static TapeElement Of(string json) => JsonTape.Parse(Encoding.UTF8.GetBytes(json)).Root;
}
