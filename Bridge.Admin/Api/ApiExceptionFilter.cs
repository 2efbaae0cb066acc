using System.Text.Json;
using Bridge.Admin.Stores;
using StackExchange.Redis;

namespace Bridge.Admin.Api;

/// <summary>Turns store refusals into 400s naming the field, and an unreachable Redis into 503.</summary>
public sealed class ApiExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (FieldValidationException ex)
        {
            return ApiErrors.BadRequest(ex.Field, ex.Message);
        }
        catch (JsonException ex)
        {
            return ApiErrors.BadRequest("body", $"body: not valid JSON{(ex.Path is { Length: > 1 } path ? $" near {path}" : "")}.");
        }
        catch (StoreUnavailableException ex)
        {
            return ApiErrors.Unavailable(ex.Message);
        }
        catch (Exception ex) when (ex is RedisTimeoutException or TimeoutException)
        {
            // The command may have been applied before the answer was lost: do not promise that nothing changed.
            return ApiErrors.Unavailable("Redis did not answer in time; the change may or may not have been saved. Check before trying again.");
        }
        catch (RedisException)
        {
            return ApiErrors.Unavailable("Redis is not reachable right now; nothing was changed. Try again shortly.");
        }
    }
}
