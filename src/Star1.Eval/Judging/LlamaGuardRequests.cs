using Star1.Llm;

namespace Star1.Eval.Judging;

/// <summary>
/// The safety judge's request through an endpoint (vLLM serving Llama-Guard-3-8B): the conversation to moderate
/// as chat messages, [user: the benchmark prompt, assistant: the model's full output including its reasoning]
/// (PAPER.md section 6). The server applies the model's own chat template, which wraps both turns in the
/// moderation instruction (the same text <see cref="Star1.Chat.Formats.LlamaGuard3Format"/> renders in process),
/// so no instruction is written here. Greedy (temperature 0), at most <c>maxTokens</c> (the paper: 100).
/// </summary>
public static class LlamaGuardRequests
{
    public static ChatRequest Build(string prompt, string response, string model, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        return new ChatRequest(
            [new ChatMessage("user", prompt), new ChatMessage("assistant", response)],
            new GenerationSettings { Model = model, Temperature = 0, MaxTokens = maxTokens });
    }

    /// <summary>Reads an endpoint's answer; the verdict is the whole content (Llama Guard does not reason).</summary>
    public static ParseResult<SafetyVerdict> Parse(ChatAnswer answer) => LlamaGuardVerdict.Parse(answer.Content);
}
