using System.Text.Json;

namespace Star1.Llm.Providers;

/// <summary>
/// The wire form of a chat completion, written and read by hand rather than through the SDK's typed models:
/// the typed request cannot send <c>max_tokens</c> (R1's setting) beside <c>max_completion_tokens</c> without
/// an experimental patch API, and the typed response maps <c>finish_reason</c> to a closed enum that throws on
/// values other servers use (vLLM's "abort"), and hides <c>reasoning_content</c>. The batch API carries the
/// same bodies, so both paths share this.
/// </summary>
internal static class ChatJson
{
    /// <summary>The request body: model, messages, and each generation setting only when it is set.</summary>
    public static void WriteRequest(Utf8JsonWriter w, ChatRequest request)
    {
        var s = request.Settings;
        w.WriteStartObject();
        w.WriteString("model", s.Model);
        w.WriteStartArray("messages");
        foreach (var m in request.Messages)
        {
            w.WriteStartObject();
            w.WriteString("role", m.Role);
            w.WriteString("content", m.Content);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (s.Temperature is { } t) w.WriteNumber("temperature", t);
        if (s.TopP is { } p) w.WriteNumber("top_p", p);
        if (s.MaxTokens is { } mt) w.WriteNumber("max_tokens", mt);
        if (s.MaxCompletionTokens is { } mct) w.WriteNumber("max_completion_tokens", mct);
        if (s.Seed is { } seed) w.WriteNumber("seed", seed);
        // Not an OpenAI parameter: vLLM and other open-model servers take it (the paper's evaluation sets 1.2).
        if (s.RepetitionPenalty is { } penalty) w.WriteNumber("repetition_penalty", penalty);
        w.WriteEndObject();
    }

    public static byte[] RequestBytes(ChatRequest request)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) WriteRequest(w, request);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a chat completion body. Reasoning comes from <c>reasoning_content</c> (DeepSeek; <c>reasoning</c> on
    /// some vLLM versions) or from a leading inline think block. Throws <see cref="FormatException"/> for a body
    /// that is not a chat completion; the caller decides whether that is worth a retry.
    /// </summary>
    public static ChatAnswer ReadAnswer(ReadOnlySpan<byte> body)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body.ToArray()); }
        catch (JsonException ex) { throw new FormatException($"the response body is not JSON ({ex.Message.Split('.')[0]})"); }
        using (doc) return ReadAnswer(doc.RootElement);
    }

    public static ChatAnswer ReadAnswer(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            throw new FormatException("the response has no 'choices' array");
        if (choices.GetArrayLength() == 0) throw new FormatException("the response's 'choices' array is empty");
        var choice = choices[0];
        if (choice.ValueKind != JsonValueKind.Object || !choice.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            throw new FormatException("the response's first choice has no 'message' object");

        var content = OptionalString(message, "content") ?? "";
        var reasoning = OptionalString(message, "reasoning_content") ?? OptionalString(message, "reasoning");
        // An inline <think> block stays in the content as the endpoint sent it: the runner splits it when the
        // answer is read (ChatAnswer.WithInlineThinkingSplit), so the cache holds the raw answer.

        var finish = OptionalString(choice, "finish_reason") ?? "unknown";
        int input = 0, output = 0;
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            input = OptionalInt(usage, "prompt_tokens");
            output = OptionalInt(usage, "completion_tokens");
        }
        return new ChatAnswer { Content = content, Reasoning = reasoning, FinishReason = finish, InputTokens = input, OutputTokens = output };
    }

    private static string? OptionalString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"'{name}' in the response is a {v.ValueKind.ToString().ToLowerInvariant()}, not a string"),
        } : null;

    private static int OptionalInt(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;

    /// <summary>The endpoint's own error text ({"error":{"message":..}}), if the body carries one; else null.</summary>
    public static string? ErrorMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e))
            {
                if (e.ValueKind == JsonValueKind.String) return e.GetString();
                if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) return m.GetString();
            }
        }
        catch (JsonException) { }
        return null;
    }
}
