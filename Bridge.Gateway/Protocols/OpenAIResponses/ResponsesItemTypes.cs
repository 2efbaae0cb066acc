namespace Bridge.Gateway.Protocols.OpenAIResponses;

/// <summary>Item and content part <c>type</c> values of the OpenAI Responses API.</summary>
public static class ResponsesItemTypes
{
    // Items (input and output).
    public const string Message = "message";
    public const string FunctionCall = "function_call";
    public const string FunctionCallOutput = "function_call_output";
    public const string Reasoning = "reasoning";

    // Content parts.
    public const string InputText = "input_text";
    public const string InputImage = "input_image";
    public const string InputFile = "input_file";
    public const string OutputText = "output_text";
    public const string Refusal = "refusal";
    public const string SummaryText = "summary_text";

    // Tools.
    public const string Function = "function";
    public const string WebSearch = "web_search";

    /// <summary>The <c>include</c> value that makes a stateless (<c>store: false</c>) response carry its reasoning.</summary>
    public const string IncludeEncryptedReasoning = "reasoning.encrypted_content";

    /// <summary>The <c>include</c> value that makes output_text parts carry their token log probabilities.</summary>
    public const string IncludeOutputLogprobs = "message.output_text.logprobs";
}
