using System.Text.Json;
using System.Text.RegularExpressions;
using Star1.Llm;

namespace Star1.Data.Deliberation.Parsing;

/// <summary>
/// Finds the JSON in a model's answer. The rule, shared by the category and score parsers:
/// <list type="bullet">
/// <item>an answer with a code fence must hold exactly one fenced block, opened by <c>```</c> or <c>```json</c>
/// (any case) on its own line and closed by <c>```</c> on its own line; its content is the JSON and any text
/// around the block is ignored (models like to add a sentence);</item>
/// <item>an answer without a fence must be the JSON and nothing else (surrounding white space aside).</item>
/// </list>
/// The JSON itself is parsed by System.Text.Json with its strict defaults: no comments, no trailing commas,
/// no single quotes. Nothing is ever evaluated (the original ran Python's <c>eval</c> on model output).
/// </summary>
internal static partial class JsonPayload
{
    [GeneratedRegex(@"^[ \t]*```[ \t]*([A-Za-z0-9_+-]*)[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex FenceLine();

    public static ParseResult<JsonDocument> Extract(string? answer, string expected)
    {
        if (string.IsNullOrWhiteSpace(answer)) return ParseResult<JsonDocument>.Failure($"the answer is empty; expected {expected}");
        var text = answer.Replace("\r\n", "\n");
        var fences = FenceLine().Matches(text);
        string payload;
        if (fences.Count == 0)
        {
            if (text.Contains("```", StringComparison.Ordinal))
                return ParseResult<JsonDocument>.Failure($"the answer has a code fence that is not on a line of its own; expected {expected}");
            payload = text.Trim();
        }
        else
        {
            if (fences.Count != 2)
                return ParseResult<JsonDocument>.Failure(fences.Count == 1
                    ? $"the answer opens a code fence and never closes it; expected {expected}"
                    : $"the answer has {fences.Count / 2.0:0.#} fenced blocks; expected exactly one holding {expected}");
            var tag = fences[0].Groups[1].Value;
            if (tag.Length > 0 && !tag.Equals("json", StringComparison.OrdinalIgnoreCase))
                return ParseResult<JsonDocument>.Failure($"the fenced block is tagged '{tag}'; expected an untagged or json block holding {expected}");
            if (fences[1].Groups[1].Value.Length > 0)
                return ParseResult<JsonDocument>.Failure($"the fenced block is closed by '```{fences[1].Groups[1].Value}'; expected a bare ``` line");
            int start = fences[0].Index + fences[0].Length;
            payload = text[start..fences[1].Index].Trim();
            if (payload.Length == 0) return ParseResult<JsonDocument>.Failure($"the fenced block is empty; expected {expected}");
        }
        try
        {
            return ParseResult<JsonDocument>.Success(JsonDocument.Parse(payload));
        }
        catch (JsonException e)
        {
            return ParseResult<JsonDocument>.Failure($"not valid JSON ({FirstSentence(e.Message)}); expected {expected}");
        }
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    public static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
