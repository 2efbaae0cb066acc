using Bridge.Gateway.Configuration;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>A pairing of client protocol and upstream protocol: its request translator, which yields the call.</summary>
public interface IExchange
{
    PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment);
}
