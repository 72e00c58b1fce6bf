namespace Star1.Llm.Calling;

/// <summary>
/// Token counts before a request is sent, for rate limits and budgets. No tokenizer matches every provider,
/// so input is estimated at one token per 4 UTF-8 bytes (close for English BPE, high for code-heavy text)
/// plus a few per message for the chat framing; output at the request's cap, the most it can cost.
/// </summary>
internal static class TokenEstimate
{
    public static int Input(ChatRequest request)
    {
        long tokens = 3;
        foreach (var m in request.Messages) tokens += 4 + (System.Text.Encoding.UTF8.GetByteCount(m.Content) + 3) / 4;
        return (int)Math.Min(int.MaxValue, tokens);
    }

    public static int OutputCap(ChatRequest request, int assumed) =>
        request.Settings.MaxCompletionTokens ?? request.Settings.MaxTokens ?? assumed;

    public static decimal Cost(long input, long output, LlmRunOptions o) =>
        (input * o.InputPricePerMillion + output * o.OutputPricePerMillion) / 1_000_000m;
}
