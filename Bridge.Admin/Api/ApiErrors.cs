namespace Bridge.Admin.Api;

/// <summary>Errors in the OpenAI/LiteLLM envelope: <c>{"error": {"message", "type", "param"}}</c>; <c>param</c> names the field.</summary>
public static class ApiErrors
{
    public sealed record ErrorBody(ErrorDetail Error);
    public sealed record ErrorDetail(string Message, string Type, string? Param);

    public static ErrorBody Body(string message, string type, string? param) => new(new ErrorDetail(message, type, param));

    public static IResult BadRequest(string field, string message) =>
        Results.Json(Body(message, "invalid_request_error", field), statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotFound(string message, string? field = null) =>
        Results.Json(Body(message, "not_found_error", field), statusCode: StatusCodes.Status404NotFound);

    public static IResult Conflict(string message) =>
        Results.Json(Body(message, "conflict_error", null), statusCode: StatusCodes.Status409Conflict);

    public static IResult Unavailable(string message) =>
        Results.Json(Body(message, "service_unavailable", null), statusCode: StatusCodes.Status503ServiceUnavailable);
}
