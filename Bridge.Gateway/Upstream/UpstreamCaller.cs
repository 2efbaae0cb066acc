using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Upstream;

/// <summary>Why an upstream attempt failed; drives the client's status code (and, later, retries and cooldowns).</summary>
public enum UpstreamFailure
{
    None,
    /// <summary>The upstream answered with a non-success status.</summary>
    Status,
    /// <summary>No answer within the deployment's timeout.</summary>
    Timeout,
    /// <summary>Connection refused, reset, DNS, TLS...</summary>
    Connection,
    /// <summary>The client went away; not the upstream's fault.</summary>
    ClientCancelled,
}

/// <summary>The result of sending one request upstream: a response to read, or an error value.</summary>
public sealed class UpstreamOutcome : IDisposable
{
    public HttpResponseMessage? Response { get; init; }
    public UpstreamError? Error { get; init; }
    public UpstreamFailure Failure { get; init; }
    public bool Succeeded => Response is not null;

    public void Dispose() => Response?.Dispose();
}

/// <summary>Sends a prepared request to a deployment and turns every failure into a value.</summary>
public sealed class UpstreamCaller(UpstreamClients clients, GatewayOptions options, EntraTokens entra, ILogger<UpstreamCaller> logger)
{
    public async Task<UpstreamOutcome> SendAsync(ModelDeployment deployment, HttpRequestMessage request, CancellationToken token, CancellationToken clientAborted)
    {
        UpstreamEndpoints.ApplyAuth(request, deployment);
        HttpResponseMessage response;
        try
        {
            if (deployment.Entra is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + await entra.GetAsync(deployment, token));
            }
            UpstreamEndpoints.ApplyExtraHeaders(request, deployment);
            if (deployment.Host is { } host)
            {
                // The cloud's own credentials (a SigV4 signature over the body, an OAuth token), after every other header.
                await host.AuthorizeAsync(request, request.Options.TryGetValue(Exchanges.PreparedCall.SentBody, out var sent) ? sent : default, token);
            }
            response = await clients.For(deployment).SendAsync(request, token);
        }
        catch (Azure.Identity.AuthenticationFailedException ex)
        {
            // Like an unreachable upstream: this deployment cannot be called now, another one may be.
            GatewayLog.UpstreamUnreachable(logger, deployment.Id, "no Entra ID token: " + ex.Message);
            return new UpstreamOutcome
            {
                Failure = UpstreamFailure.Connection,
                Error = new UpstreamError(502, $"{deployment.Id}: Bridge could not get an Entra ID token for this deployment.", null),
            };
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(logger, deployment.Id);
            return new UpstreamOutcome { Failure = UpstreamFailure.ClientCancelled };
        }
        catch (OperationCanceledException)
        {
            GatewayLog.UpstreamUnreachable(logger, deployment.Id, "no response headers in time");
            return new UpstreamOutcome
            {
                Failure = UpstreamFailure.Timeout,
                Error = new UpstreamError(504, $"{deployment.Id}: upstream did not answer in time.", null),
            };
        }
        catch (Exception ex) when (deployment.Host is not null && ex is not (OperationCanceledException or HttpRequestException))
        {
            // No credentials for the cloud (none in the chain, an unknown profile, a token endpoint that refused).
            GatewayLog.UpstreamUnreachable(logger, deployment.Id, $"no {deployment.Host.Name} credentials: {ex.Message}");
            return new UpstreamOutcome
            {
                Failure = UpstreamFailure.Connection,
                Error = new UpstreamError(502, $"{deployment.Id}: could not get {deployment.Host.Name} credentials ({ex.GetType().Name}).", null),
            };
        }
        catch (HttpRequestException ex)
        {
            GatewayLog.UpstreamUnreachable(logger, deployment.Id, ex.Message);
            return new UpstreamOutcome
            {
                Failure = UpstreamFailure.Connection,
                Error = new UpstreamError(502, $"{deployment.Id}: upstream unreachable ({UpstreamFailureText.Of(ex)}).", null),
            };
        }

        if (response.IsSuccessStatusCode)
        {
            deployment.Host?.AdaptResponse(response, options.MaxUpstreamEventBytes);
            // Whatever reads the answer from here on reads it within the gateway's size bounds.
            BoundedUpstreamContent.Apply(response, options.MaxUpstreamBodyBytes, options.MaxUpstreamEventBytes);
            return new UpstreamOutcome { Response = response };
        }

        using (response)
        {
            UpstreamError error;
            try
            {
                error = await UpstreamError.ReadAsync(response, deployment.Id, token);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
            {
                error = new UpstreamError((int)response.StatusCode, $"{deployment.Id}: upstream answered {(int)response.StatusCode}", UpstreamError.RetryAfterOf(response));
            }
            GatewayLog.UpstreamError(logger, deployment.Id, error.StatusCode);
            if (error.StatusCode is 401 or 403)
            {
                // The upstream's words can quote a masked tail of the deployment's key: the operator reads them
                // in the log, the client only learns that this deployment refused Bridge.
                GatewayLog.UpstreamRejectedCredentials(logger, deployment.Id, error.StatusCode, error.Message);
                error = error with { Message = $"{deployment.Id}: the deployment rejected Bridge's credentials (upstream answered {error.StatusCode})." };
            }
            return new UpstreamOutcome { Failure = UpstreamFailure.Status, Error = error };
        }
    }
}
