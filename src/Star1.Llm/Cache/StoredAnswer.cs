using System.Text.Json;

namespace Star1.Llm.Cache;

/// <summary>
/// The stored form of a raw answer: a small JSON object with content, reasoning, finish_reason and token
/// counts. Reading is strict: a row that does not hold exactly that (a truncated write from some other tool,
/// a hand edit, an older layout) is reported as malformed and never half-read.
/// </summary>
internal static class StoredAnswer
{
    public static string Write(ChatAnswer a)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("content", a.Content);
            if (a.Reasoning is null) w.WriteNull("reasoning"); else w.WriteString("reasoning", a.Reasoning);
            w.WriteString("finish_reason", a.FinishReason);
            w.WriteNumber("input_tokens", a.InputTokens);
            w.WriteNumber("output_tokens", a.OutputTokens);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The answer, or null with the reason it cannot be read.</summary>
    public static ChatAnswer? TryRead(string json, out string? problem)
    {
        problem = null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) { problem = "not a JSON object"; return null; }
            if (!r.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String) { problem = "no 'content' string"; return null; }
            if (!r.TryGetProperty("finish_reason", out var finish) || finish.ValueKind != JsonValueKind.String) { problem = "no 'finish_reason' string"; return null; }
            if (!r.TryGetProperty("reasoning", out var reasoning) || reasoning.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) { problem = "no 'reasoning' string or null"; return null; }
            if (!TryCount(r, "input_tokens", out var input) || !TryCount(r, "output_tokens", out var output)) { problem = "token counts missing or negative"; return null; }
            return new ChatAnswer
            {
                Content = content.GetString()!,
                Reasoning = reasoning.ValueKind == JsonValueKind.Null ? null : reasoning.GetString(),
                FinishReason = finish.GetString()!,
                InputTokens = input,
                OutputTokens = output,
            };
        }
        catch (JsonException ex)
        {
            problem = "not valid JSON (" + ex.Message.Split('.')[0] + ")";
            return null;
        }
    }

    private static bool TryCount(JsonElement r, string name, out int value)
    {
        value = 0;
        return r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out value) && value >= 0;
    }
}
