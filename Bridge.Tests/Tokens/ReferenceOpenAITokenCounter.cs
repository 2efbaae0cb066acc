using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Bridge.Tests.Tokens;

/// <summary>
/// Test-side reference: OpenAI's documented counting recipe applied to a Chat Completions request
/// (the translator's output), written plainly and independently of LocalTokenCounter.
/// <list type="bullet">
/// <item>Cookbook "How to count tokens with tiktoken": per message 3 + role + content (+1 and the
/// name for <c>name</c>); reply priming 3. Content parts: text tokens, image_url by the vision
/// tile formula. tool_calls: function name + arguments. Ids are not counted.</item>
/// <item>Tools: the cookbook's function recipe (gpt-4o constants 7/3/3/-3/3/12, gpt-4/3.5 10/...)
/// with the same nested-schema extension as production: nested <c>properties</c>, <c>items</c>,
/// <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c> walked; type arrays as "a | b".</item>
/// <item>Images: gpt-4o family 85 + 170 per 512 px tile, gpt-5* 70 + 140, after fitting 2048x2048
/// and shrinking the short side to 768; unknown size 1024x1024. Only PNG sizes are read.</item>
/// <item>PDF file parts: (page image + 500 text tokens) per <c>/Type /Page</c> object.</item>
/// </list>
/// </summary>
internal static class ReferenceOpenAITokenCounter
{
    public static int Count(JsonElement openAIRequest, Tokenizer tokenizer, string model)
    {
        var cl100k = model.StartsWith("gpt-4-", StringComparison.Ordinal) || model == "gpt-4" || model.StartsWith("gpt-3.5", StringComparison.Ordinal);
        var (imageBase, imageTile) = model.StartsWith("gpt-5", StringComparison.Ordinal) ? (70, 140) : (85, 170);
        int Tokens(string s) => tokenizer.CountTokens(s);

        var total = 0;
        foreach (var message in openAIRequest.GetProperty("messages").EnumerateArray())
        {
            total += 3;
            total += Tokens(message.GetProperty("role").GetString()!);
            if (message.TryGetProperty("name", out var name))
            {
                total += 1 + Tokens(name.GetString()!);
            }

            if (message.TryGetProperty("content", out var content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    total += Tokens(content.GetString()!);
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.EnumerateArray())
                    {
                        switch (part.GetProperty("type").GetString())
                        {
                            case "text":
                                total += Tokens(part.GetProperty("text").GetString()!);
                                break;
                            case "image_url":
                                total += ImageTokens(part.GetProperty("image_url").GetProperty("url").GetString()!, imageBase, imageTile);
                                break;
                            case "file":
                                total += PdfTokens(part.GetProperty("file").GetProperty("file_data").GetString()!, imageBase, imageTile);
                                break;
                            default:
                                throw new NotSupportedException(part.GetProperty("type").GetString());
                        }
                    }
                }
            }

            if (message.TryGetProperty("tool_calls", out var calls))
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var function = call.GetProperty("function");
                    total += Tokens(function.GetProperty("name").GetString()!);
                    total += Tokens(function.GetProperty("arguments").GetString()!);
                }
            }
        }

        if (openAIRequest.TryGetProperty("tools", out var tools) && tools.GetArrayLength() > 0)
        {
            var functionInit = cl100k ? 10 : 7;
            foreach (var tool in tools.EnumerateArray())
            {
                var function = tool.GetProperty("function");
                var description = function.TryGetProperty("description", out var d) ? d.GetString()! : "";
                total += functionInit;
                total += Tokens(function.GetProperty("name").GetString() + ":" + StripPeriod(description));
                total += SchemaTokens(function.GetProperty("parameters"), Tokens);
            }

            total += 12;
        }

        return total + 3;
    }

    private static int SchemaTokens(JsonElement schema, Func<string, int> tokens)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return 0;
        }

        var total = 0;
        if (schema.TryGetProperty("properties", out var properties) && properties.EnumerateObject().Any())
        {
            total += 3; // prop_init
            foreach (var property in properties.EnumerateObject())
            {
                total += 3; // prop_key
                var value = property.Value;
                var type = "";
                var description = "";
                if (value.ValueKind == JsonValueKind.Object)
                {
                    if (value.TryGetProperty("type", out var t))
                    {
                        type = t.ValueKind switch
                        {
                            JsonValueKind.String => t.GetString()!,
                            JsonValueKind.Array => string.Join(" | ", t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString())),
                            _ => "",
                        };
                    }

                    if (value.TryGetProperty("description", out var pd) && pd.ValueKind == JsonValueKind.String)
                    {
                        description = StripPeriod(pd.GetString()!);
                    }
                }

                total += tokens($"{property.Name}:{type}:{description}");
                if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
                {
                    total += -3; // enum_init
                    foreach (var item in values.EnumerateArray())
                    {
                        total += 3 + tokens(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
                    }
                }

                total += SchemaTokens(value, tokens);
            }
        }

        if (schema.TryGetProperty("items", out var items))
        {
            total += SchemaTokens(items, tokens);
        }

        foreach (var keyword in new[] { "anyOf", "oneOf", "allOf" })
        {
            if (schema.TryGetProperty(keyword, out var branches) && branches.ValueKind == JsonValueKind.Array)
            {
                total += branches.EnumerateArray().Sum(b => SchemaTokens(b, tokens));
            }
        }

        return total;
    }

    private static string StripPeriod(string text) => text.EndsWith('.') ? text[..^1] : text;

    private static int ImageTokens(string url, int baseTokens, int tileTokens)
    {
        int width = 1024, height = 1024;
        const string pngPrefix = "data:image/png;base64,";
        if (url.StartsWith(pngPrefix, StringComparison.Ordinal))
        {
            var bytes = Convert.FromBase64String(url[pngPrefix.Length..]);
            width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
            height = (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23];
        }

        return TileTokens(width, height, baseTokens, tileTokens);
    }

    internal static int TileTokens(int width, int height, int baseTokens, int tileTokens)
    {
        double w = width, h = height;
        var fit = Math.Min(1.0, 2048.0 / Math.Max(w, h));
        w *= fit;
        h *= fit;
        var shrink = Math.Min(1.0, 768.0 / Math.Min(w, h));
        w = Math.Round(w * shrink);
        h = Math.Round(h * shrink);
        var tiles = (int)Math.Ceiling(w / 512) * (int)Math.Ceiling(h / 512);
        return baseTokens + tileTokens * tiles;
    }

    private static int PdfTokens(string dataUrl, int baseTokens, int tileTokens)
    {
        var base64 = dataUrl[(dataUrl.IndexOf(',', StringComparison.Ordinal) + 1)..];
        var text = Encoding.Latin1.GetString(Convert.FromBase64String(base64));
        var pages = Regex.Count(text, @"/Type\s*/Page(?![A-Za-z0-9])");
        return Math.Max(1, pages) * (TileTokens(1275, 1650, baseTokens, tileTokens) + 500);
    }
}
