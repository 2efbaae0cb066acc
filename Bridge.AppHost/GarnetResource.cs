namespace Bridge.AppHost;

/// <summary>
/// A Redis-compatible server (Microsoft Garnet) hosted inside the AppHost process, for machines with no
/// container runtime. It takes the place of Aspire's Redis container under the same resource name.
/// </summary>
public sealed class GarnetResource(string name, int port) : Resource(name), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
