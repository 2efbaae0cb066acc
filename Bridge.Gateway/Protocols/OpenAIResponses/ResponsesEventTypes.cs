namespace Bridge.Gateway.Protocols.OpenAIResponses;

/// <summary>
/// The <c>type</c> of the OpenAI Responses API stream events Bridge reads (the SSE <c>event:</c> line
/// carries the same name). Events not listed (<c>response.in_progress</c>, <c>content_part.*</c>,
/// <c>*.done</c> text events, tool progress events) add nothing the translators need.
/// </summary>
public static class ResponsesEventTypes
{
    public const string Created = "response.created";
    public const string InProgress = "response.in_progress";
    public const string OutputItemAdded = "response.output_item.added";
    public const string OutputItemDone = "response.output_item.done";
    public const string OutputTextDelta = "response.output_text.delta";
    public const string RefusalDelta = "response.refusal.delta";
    public const string FunctionCallArgumentsDelta = "response.function_call_arguments.delta";
    public const string ReasoningSummaryTextDelta = "response.reasoning_summary_text.delta";
    public const string Completed = "response.completed";
    public const string Incomplete = "response.incomplete";
    public const string Failed = "response.failed";
    public const string Error = "error";
}
