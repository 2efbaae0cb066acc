using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bridge.Gateway.State;

/// <summary>Source-generated JSON for every value stored in Redis (snake_case, as the contract says).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VirtualKeyRecord))]
[JsonSerializable(typeof(MasterKeyRecord))]
[JsonSerializable(typeof(RequestLogEntry))]
[JsonSerializable(typeof(CooldownRecord))]
[JsonSerializable(typeof(UsageDeadLetter))]
public sealed partial class StateJson : JsonSerializerContext
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, typeof(T), Default);

    public static T? Deserialize<T>(string json) where T : class => (T?)JsonSerializer.Deserialize(json, typeof(T), Default);
}
