using Bridge.Gateway.Models;

namespace Bridge.Gateway.Usage;

/// <summary>
/// The most a request can cost, held against its key's budget while it runs: its input (estimated from the body)
/// plus its <c>max_tokens</c> of output, at the price of the dearest deployment of the group it may be routed to.
/// </summary>
public static class WorstCaseCost
{
    /// <summary>Output assumed when neither the request nor the deployment caps it.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <param name="bodyBytes">The request body's size: about four bytes per input token (the same estimate as a
    /// stream that ends without usage).</param>
    /// <param name="requestedMaxTokens">The request's <c>max_tokens</c>/<c>max_completion_tokens</c>, if it set one.</param>
    public static long Micros(ModelGroup group, long bodyBytes, long? requestedMaxTokens)
    {
        var input = bodyBytes / 4;
        long worst = 0;
        foreach (var deployment in group.Deployments)
        {
            long output = requestedMaxTokens is { } asked
                ? deployment.MaxOutputTokens is { } cap ? Math.Min(asked, cap) : asked
                : deployment.MaxOutputTokens ?? DefaultMaxOutputTokens;
            worst = Math.Max(worst, Pricing.Cost(deployment, new TokenUsage(input, Math.Max(0, output), 0)).Micros);
        }
        return worst;
    }
}
