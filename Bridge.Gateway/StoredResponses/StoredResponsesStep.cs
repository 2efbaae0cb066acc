using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Exchanges;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.StoredResponses;

/// <summary>
/// The Responses API's server-side state, kept by the gateway whatever the deployment (docs/translation.md, "Stored
/// responses"). Before routing: a <c>previous_response_id</c> is replaced by the stored conversation, and a request
/// to be stored (<c>store</c> true or, as at OpenAI, not sent, unless <see cref="GatewayOptions.StoreResponsesByDefault"/>
/// is off) gets a <see cref="ResponseKeeper"/> the relay gives
/// the finished answer to. Without Redis nothing is stored; asking for it explicitly is a 400 that says why.
/// </summary>
public sealed class StoredResponsesStep(StoredResponseStore store, GatewayOptions options, GatewayTelemetry telemetry, ILogger<StoredResponsesStep> logger)
{
    /// <summary>
    /// Resolves <paramref name="inbound"/>'s stored state. Returns false after writing an error; otherwise
    /// <paramref name="keeper"/> is the answer's keeper, or null when it is not to be stored.
    /// </summary>
    public async Task<(bool Ok, ResponseKeeper? Keeper)> PrepareAsync(HttpContext context, InboundRequest inbound)
    {
        var root = inbound.Json;
        var storeFlag = root.TryGetProperty("store"u8, out var s) ? s.ValueKind : JsonValueKind.Undefined;
        var previous = root.TryGetProperty("previous_response_id"u8, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var keep = storeFlag == JsonValueKind.True || (storeFlag != JsonValueKind.False && options.StoreResponsesByDefault);
        if (previous is null && !keep) return (true, null);

        if (!store.Configured)
        {
            if (previous is not null)
            {
                await ErrorResponses.WriteAsync(context, 400,
                    "previous_response_id: this gateway has no Redis (ConnectionStrings:redis), so it keeps no responses to continue; send the whole conversation in 'input'.",
                    param: "previous_response_id");
                return (false, null);
            }
            if (storeFlag == JsonValueKind.True)
            {
                await ErrorResponses.WriteAsync(context, 400,
                    "store: this gateway has no Redis (ConnectionStrings:redis), so it cannot store responses; send store: false.", param: "store");
                return (false, null);
            }
            return (true, null);
        }

        var owner = GatewayMiddleware.CallerOf(context).KeyId;
        var ownInput = ConversationBody.OwnInput(root);
        var chain = "";
        if (previous is not null)
        {
            var conversation = await store.LoadConversationAsync(owner, previous, options.MaxRequestBodyBytes);
            switch (conversation.Status)
            {
                case LookupStatus.Unavailable:
                    await StoredResponsesEndpoints.UnreachableAsync(context);
                    return (false, null);
                case LookupStatus.TooLarge:
                    await ErrorResponses.WriteAsync(context, 400,
                        $"previous_response_id: the stored conversation is larger than this gateway accepts in one request ({options.MaxRequestBodyBytes} bytes).",
                        param: "previous_response_id");
                    return (false, null);
                case LookupStatus.NotFound:
                    await ErrorResponses.WriteAsync(context, 400, conversation.MissingId == previous
                            ? $"Previous response with id '{previous}' not found (never stored for this key, expired or deleted)."
                            : $"Previous response with id '{previous}' cannot be continued: an earlier turn of its conversation ('{conversation.MissingId}') is no longer stored.",
                        code: "previous_response_not_found", param: "previous_response_id");
                    return (false, null);
            }
            chain = conversation.Chain;
            PooledBufferWriter? body = null;
            try
            {
                body = new PooledBufferWriter(inbound.Body.Length + (int)Math.Min(int.MaxValue / 2, conversation.Segments.Sum(x => (long)x.Length) + 64),
                    options.BodyBudget.ForCaller(owner));
                ConversationBody.Write(root, conversation.Segments, ownInput, body);
                inbound.ReplaceBody(body);
            }
            catch (MemoryBudgetExceededException)
            {
                body?.Dispose();
                await ErrorResponses.WriteAsync(context, 503,
                    "The gateway is holding as many request bodies as it may right now; retry shortly.", TimeSpan.FromSeconds(1), code: "body_memory_busy");
                return (false, null);
            }
            catch
            {
                body?.Dispose();
                throw;
            }
        }

        inbound.GatewayStoresResponse = keep;
        return (true, inbound.GatewayStoresResponse ? new ResponseKeeper(store, telemetry, logger, owner, chain, ownInput) : null);
    }
}
