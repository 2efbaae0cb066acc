namespace Bridge.Tests.Translation.AnthropicToResponses;

/// <summary>
/// Responses API payloads as OpenAI documents them. "Verbatim" ones are the examples of OpenAI's API
/// reference (platform.openai.com/docs/api-reference/responses-streaming/... and .../responses/object),
/// compacted to one line. The function-call and reasoning items are not in those examples: they are
/// written with exactly the fields the same reference lists for them (function_call: id, type, call_id,
/// name, arguments, status; reasoning: id, type, summary[] of summary_text, encrypted_content), reusing the
/// ids of the verbatim delta examples they belong with.
/// </summary>
internal static class ResponsesVendorExamples
{
    // ---- verbatim: responses-streaming ---------------------------------------------------------

    public const string Created = """{"type":"response.created","response":{"id":"resp_67ccfcdd16748190a91872c75d38539e09e4d4aac714747c","object":"response","created_at":1741487325,"status":"in_progress","error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-4o-2024-08-06","output":[],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":null,"user":null,"metadata":{}}}""";

    public const string MessageAdded = """{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_123","status":"in_progress","type":"message","role":"assistant","content":[]}}""";

    public const string TextDelta = """{"type":"response.output_text.delta","item_id":"msg_123","output_index":0,"content_index":0,"delta":"In"}""";

    public const string MessageDone = """{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_123","status":"completed","type":"message","role":"assistant","content":[{"type":"output_text","text":"In a shimmering forest under a sky full of stars, a lonely unicorn named Lila discovered a hidden pond that glowed with moonlight. Every night, she would leave sparkling, magical flowers by the water's edge, hoping to share her beauty with others. One enchanting evening, she woke to find a group of friendly animals gathered around, eager to be friends and share in her magic.","annotations":[]}]}}""";

    public const string Completed = """{"type":"response.completed","response":{"id":"resp_123","object":"response","created_at":1740855869,"status":"completed","error":null,"incomplete_details":null,"input":[],"instructions":null,"max_output_tokens":null,"model":"gpt-4o-mini-2024-07-18","output":[{"id":"msg_123","type":"message","role":"assistant","content":[{"type":"output_text","text":"In a shimmering forest under a sky full of stars, a lonely unicorn named Lila discovered a hidden pond that glowed with moonlight. Every night, she would leave sparkling, magical flowers by the water's edge, hoping to share her beauty with others. One enchanting evening, she woke to find a group of friendly animals gathered around, eager to be friends and share in her magic.","annotations":[]}]}],"previous_response_id":null,"reasoning_effort":null,"store":false,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":{"input_tokens":0,"output_tokens":0,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":0},"user":null,"metadata":{}}}""";

    public const string Incomplete = """{"type":"response.incomplete","response":{"id":"resp_123","object":"response","created_at":1740855869,"status":"incomplete","error":null,"incomplete_details":{"reason":"max_tokens"},"instructions":null,"max_output_tokens":null,"model":"gpt-4o-mini-2024-07-18","output":[],"previous_response_id":null,"reasoning_effort":null,"store":false,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":null,"user":null,"metadata":{}}}""";

    public const string Failed = """{"type":"response.failed","response":{"id":"resp_123","object":"response","created_at":1740855869,"status":"failed","error":{"code":"server_error","message":"The model failed to generate a response."},"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-4o-mini-2024-07-18","output":[],"previous_response_id":null,"reasoning_effort":null,"store":false,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":null,"user":null,"metadata":{}}}""";

    public const string Error = """{"type":"error","code":"ERR_SOMETHING","message":"Something went wrong","param":null}""";

    public const string ReasoningSummaryDelta = """{"type":"response.reasoning_summary_text.delta","item_id":"rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476","output_index":0,"summary_index":0,"delta":"**Respond"}""";

    public const string FunctionCallArgumentsDelta = """{"type":"response.function_call_arguments.delta","item_id":"item-abc","output_index":0,"delta":"{ \"arg\":"}""";

    // ---- verbatim: responses/object ------------------------------------------------------------

    public const string ResponseObject = """{"id":"resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41","object":"response","created_at":1741476777,"status":"completed","error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-4o-2024-08-06","output":[{"type":"message","id":"msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41","status":"completed","role":"assistant","content":[{"type":"output_text","text":"The image depicts a scenic landscape with a wooden boardwalk or pathway leading through lush, green grass under a blue sky with some clouds. The setting suggests a peaceful natural area, possibly a park or nature reserve. There are trees and shrubs in the background.","annotations":[]}]}],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":{"input_tokens":328,"input_tokens_details":{"cached_tokens":0},"output_tokens":52,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":380},"user":null,"metadata":{}}""";

    public const string ResponseObjectText = "The image depicts a scenic landscape with a wooden boardwalk or pathway leading through lush, green grass under a blue sky with some clouds. The setting suggests a peaceful natural area, possibly a park or nature reserve. There are trees and shrubs in the background.";

    // ---- documented fields, assembled ---------------------------------------------------------

    public const string ReasoningId = "rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476";

    public const string ReasoningAdded = """{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476","type":"reasoning","summary":[]}}""";

    /// <summary>The reasoning item done, carrying <c>encrypted_content</c> (asked for with <c>include</c>).</summary>
    public const string ReasoningDone = """{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476","type":"reasoning","summary":[{"type":"summary_text","text":"**Respond**"}],"encrypted_content":"gAAAAABoBr_KencryptedReasoning=="}}""";

    public const string FunctionCallAdded = """{"type":"response.output_item.added","output_index":1,"item":{"id":"item-abc","type":"function_call","call_id":"call_12345xyz","name":"get_weather","arguments":"","status":"in_progress"}}""";

    public const string FunctionCallDone = """{"type":"response.output_item.done","output_index":1,"item":{"id":"item-abc","type":"function_call","call_id":"call_12345xyz","name":"get_weather","arguments":"{ \"arg\": 1}","status":"completed"}}""";
}
