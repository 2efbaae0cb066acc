using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Bench;

/// <summary>
/// Request and response bodies shared by the micro benchmarks and the load test. The Claude-Code-sized
/// request is bench/fixtures/claude-code-150k.json (made by bench/fixtures/make_claude_code_request.py
/// from the recorded Claude Code sessions); the small ones are written here.
/// </summary>
public static class BenchFixtures
{
    public const string AnthropicModel = "claude-sonnet-4-5-20250929";
    public const string UpstreamModel = "gpt-4o";

    /// <summary>A small Anthropic Messages request: a system prompt and one short user turn.</summary>
    public static byte[] SmallMessagesRequest(bool stream) => Encoding.UTF8.GetBytes(
        $$"""{"model":"{{AnthropicModel}}","max_tokens":256,"system":"You are a helpful assistant.","messages":[{"role":"user","content":"Say hello in one short sentence."}],"stream":{{(stream ? "true" : "false")}}}""");

    /// <summary>The ~150 KB Claude Code request (25 tools, long system prompt, tool-use history).</summary>
    public static byte[] ClaudeCodeMessagesRequest(bool stream)
    {
        var node = JsonNode.Parse(File.ReadAllBytes(ClaudeCodePath))!;
        node["model"] = AnthropicModel;
        node["stream"] = stream;
        return JsonSerializer.SerializeToUtf8Bytes(node, Relaxed);
    }

    /// <summary>A small OpenAI Chat Completions request with a tool (the openai SDK's, from sdk-openai.jsonl).</summary>
    public static byte[] SmallChatRequest() => Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is the weather in Paris?"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Get the current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":"auto","stream":false,"temperature":0.2,"max_completion_tokens":256}""");

    /// <summary>A non-streaming OpenAI chat completion with text (what the fake upstream answers).</summary>
    public static readonly byte[] ChatCompletionText = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1741569952,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! This is a short answer from the fake upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":12,"total_tokens":37}}""");

    /// <summary>A non-streaming OpenAI chat completion with a tool call, as a model answers Claude Code.</summary>
    public static readonly byte[] ChatCompletionToolCall = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench2","object":"chat.completion","created":1741569952,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"I'll read the file.","tool_calls":[{"id":"call_Xy12Ab34Cd56Ef78Gh90Ij12","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"/home/dev/work/bridge/README.md\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":38120,"completion_tokens":41,"total_tokens":38161,"prompt_tokens_details":{"cached_tokens":37888}}}""");

    /// <summary>One streamed OpenAI text-delta chunk (the JSON of its data: line).</summary>
    public static readonly byte[] ChatChunkText = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o","system_fingerprint":"fp_b705f0c291","choices":[{"index":0,"delta":{"content":" the quick brown"},"logprobs":null,"finish_reason":null}]}""");

    public static readonly byte[] ChatChunkRole = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o","system_fingerprint":"fp_b705f0c291","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""");

    /// <summary>An Anthropic non-streaming message (text), for the Messages -> Chat direction.</summary>
    public static readonly byte[] MessageText = Encoding.UTF8.GetBytes(
        """{"id":"msg_01deFMJETESAw2yYuUzZf630MJ","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Hello! This is a short answer from the upstream."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":12}}""");

    public static readonly byte[] MessageStart = Encoding.UTF8.GetBytes(
        """{"type":"message_start","message":{"id":"msg_01deFMJETESAw2yYuUzZf630MJ","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":28915,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1,"service_tier":"standard"}}}""");

    public static readonly byte[] TextBlockStart = Encoding.UTF8.GetBytes(
        """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");

    /// <summary>One Anthropic text_delta event's data, as recorded from Claude's API.</summary>
    public static readonly byte[] TextDelta = Encoding.UTF8.GetBytes(
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" the quick brown"}}""");

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ClaudeCodePath
    {
        get
        {
            var local = Path.Combine(AppContext.BaseDirectory, "fixtures", "claude-code-150k.json");
            if (File.Exists(local)) return local;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "fixtures", "claude-code-150k.json");
                if (File.Exists(candidate)) return candidate;
            }
            throw new FileNotFoundException("bench/fixtures/claude-code-150k.json not found; run bench/fixtures/make_claude_code_request.py");
        }
    }
}
