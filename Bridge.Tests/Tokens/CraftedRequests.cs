using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Tokens;

/// <summary>Anthropic request bodies that exercise what the fixtures do not.</summary>
internal static class CraftedRequests
{
    public static IReadOnlyList<(string Name, JsonElement Body)> All() =>
    [
        ("crafted: text only", TextOnly()),
        ("crafted: system blocks", SystemBlocks()),
        ("crafted: tool use + tool result", ToolUseAndResult()),
        ("crafted: two images", TwoImages()),
        ("crafted: 25 nested tools", ManyTools(25)),
        ("crafted: documents", Documents()),
    ];

    public static JsonElement TextOnly() => Parse(new JsonObject
    {
        ["model"] = "claude-sonnet-5",
        ["max_tokens"] = 1024,
        ["messages"] = new JsonArray
        {
            User("Explain the difference between a mutex and a semaphore, with a short C# example."),
            new JsonObject { ["role"] = "assistant", ["content"] = "A mutex has one owner; a semaphore counts permits.\n\n```csharp\nvar gate = new SemaphoreSlim(3);\n```" },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray
                {
                    Text("Thanks. Now: what about SpinLock?"),
                    Text("Also, 日本語で一行の要約をください。 Émojis too: 🚀✨"),
                },
            },
        },
    });

    public static JsonElement SystemBlocks() => Parse(new JsonObject
    {
        ["model"] = "claude-opus-4-8",
        ["max_tokens"] = 4096,
        ["system"] = new JsonArray
        {
            Text("x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli"),
            Cached("You are Claude Code, Anthropic's official CLI for Claude."),
            Cached(string.Join("\n", Enumerable.Range(1, 40).Select(i => $"- Rule {i}: prefer small, focused commits; never skip hooks (rule #{i})."))),
        },
        ["messages"] = new JsonArray
        {
            User("hello"),
            new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray { Thinking("Let me think about a greeting."), Text("Hi! What are we working on?") } },
            new JsonObject { ["role"] = "system", ["content"] = "<system-reminder>The user's todo list is empty.</system-reminder>" },
            User("Fix the failing build."),
        },
    });

    public static JsonElement ToolUseAndResult() => Parse(new JsonObject
    {
        ["model"] = "claude-sonnet-5",
        ["max_tokens"] = 2048,
        ["tools"] = new JsonArray { BashTool(), ReadTool() },
        ["messages"] = new JsonArray
        {
            User("Run the tests and show me Program.cs"),
            new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray
                {
                    Thinking("Two calls in parallel."),
                    Text("I'll run the tests and read the file."),
                    ToolUse("toolu_01A", "Bash", new JsonObject { ["command"] = "dotnet test --no-build", ["description"] = "Run tests", ["timeout"] = 120000 }),
                    ToolUse("toolu_01B", "Read", new JsonObject { ["file_path"] = "/repo/Program.cs", ["limit"] = 200 }),
                },
            },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray
                {
                    new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = "toolu_01A", ["is_error"] = true, ["content"] = "Exit code 1\nerror CS0246: The type or namespace name 'Foo' could not be found" },
                    new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = "toolu_01B",
                        ["content"] = new JsonArray
                        {
                            Text(string.Join("\n", Enumerable.Range(1, 60).Select(i => $"{i,6}\tvar x{i} = builder.Services.AddSingleton<IService{i}, Service{i}>();"))),
                            Text("(file truncated)"),
                        },
                    },
                    Text("What's wrong?"),
                },
            },
        },
    });

    public static JsonElement TwoImages() => Parse(new JsonObject
    {
        ["model"] = "claude-sonnet-5",
        ["max_tokens"] = 1024,
        ["tools"] = new JsonArray { ReadTool() },
        ["messages"] = new JsonArray
        {
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray { Image(TestImages.Png(800, 600)), Text("What is in this screenshot? Then read the diagram.") },
            },
            new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray { ToolUse("toolu_img", "Read", new JsonObject { ["file_path"] = "/repo/diagram.png" }) },
            },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = "toolu_img",
                        ["content"] = new JsonArray { Image(TestImages.Png(3000, 1000)) },
                    },
                },
            },
        },
    });

    /// <summary><paramref name="count"/> tools with nested objects, arrays of objects, enums, anyOf and type arrays.</summary>
    public static JsonElement ManyTools(int count)
    {
        var tools = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            tools.Add(new JsonObject
            {
                ["name"] = $"tool_{i}_manage_resource",
                ["description"] = $"Manage resource kind {i}: create, update or delete it, and report what changed.",
                ["input_schema"] = new JsonObject
                {
                    ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["required"] = new JsonArray { "action", "target" },
                    ["properties"] = new JsonObject
                    {
                        ["action"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray { "create", "update", "delete" }, ["description"] = "What to do." },
                        ["target"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["description"] = "The resource.",
                            ["properties"] = new JsonObject
                            {
                                ["id"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z0-9-]+$", ["description"] = "Resource id" },
                                ["labels"] = new JsonObject
                                {
                                    ["type"] = "array",
                                    ["items"] = new JsonObject
                                    {
                                        ["type"] = "object",
                                        ["properties"] = new JsonObject
                                        {
                                            ["key"] = new JsonObject { ["type"] = "string" },
                                            ["value"] = new JsonObject { ["type"] = new JsonArray { "string", "null" } },
                                        },
                                    },
                                },
                                ["priority"] = new JsonObject { ["type"] = "integer", ["enum"] = new JsonArray { 1, 2, 3 } },
                            },
                        },
                        ["options"] = new JsonObject
                        {
                            ["anyOf"] = new JsonArray
                            {
                                new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["dry_run"] = new JsonObject { ["type"] = "boolean", ["description"] = "Only print the plan." } } },
                                new JsonObject { ["type"] = "null" },
                            },
                        },
                        ["timeout_ms"] = new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0, ["description"] = $"Timeout for kind {i}." },
                    },
                },
            });
        }

        return Parse(new JsonObject
        {
            ["model"] = "claude-sonnet-5",
            ["max_tokens"] = 1024,
            ["tools"] = tools,
            ["messages"] = new JsonArray { User("Create resource abc-1 with label env=prod.") },
        });
    }

    public static JsonElement Documents() => Parse(new JsonObject
    {
        ["model"] = "claude-sonnet-5",
        ["max_tokens"] = 1024,
        ["messages"] = new JsonArray
        {
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["type"] = "document",
                        ["title"] = "report.pdf",
                        ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "application/pdf", ["data"] = Convert.ToBase64String(TestImages.Pdf(3)) },
                    },
                    new JsonObject
                    {
                        ["type"] = "document",
                        ["title"] = "notes.txt",
                        ["source"] = new JsonObject { ["type"] = "text", ["media_type"] = "text/plain", ["data"] = "Quarterly notes: revenue up 4%, churn down." },
                    },
                    Text("Summarise both."),
                },
            },
        },
    });

    public static JsonObject BashTool() => new()
    {
        ["name"] = "Bash",
        ["description"] = "Executes a given bash command and returns its output.",
        ["input_schema"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["command"] = new JsonObject { ["type"] = "string", ["description"] = "The command to execute" },
                ["timeout"] = new JsonObject { ["type"] = "number", ["description"] = "Optional timeout in milliseconds (max 600000)" },
                ["description"] = new JsonObject { ["type"] = "string", ["description"] = "Clear, concise description of what this command does." },
            },
            ["required"] = new JsonArray { "command" },
        },
    };

    public static JsonObject ReadTool() => new()
    {
        ["name"] = "Read",
        ["description"] = "Reads a file from the local filesystem.",
        ["input_schema"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["file_path"] = new JsonObject { ["type"] = "string", ["description"] = "The absolute path to the file to read" },
                ["offset"] = new JsonObject { ["type"] = "number" },
                ["limit"] = new JsonObject { ["type"] = "number" },
            },
            ["required"] = new JsonArray { "file_path" },
        },
    };

    public static JsonObject User(string text) => new() { ["role"] = "user", ["content"] = text };

    public static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    private static JsonObject Cached(string text) => new()
    {
        ["type"] = "text",
        ["text"] = text,
        ["cache_control"] = new JsonObject { ["type"] = "ephemeral" },
    };

    private static JsonObject Thinking(string text) => new() { ["type"] = "thinking", ["thinking"] = text, ["signature"] = "c2lnbmF0dXJl" };

    public static JsonObject ToolUse(string id, string name, JsonObject input) =>
        new() { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = input };

    public static JsonObject Image(byte[] png) => new()
    {
        ["type"] = "image",
        ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = Convert.ToBase64String(png) },
    };

    public static JsonElement Parse(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
}
