namespace Star1.Llm;

/// <summary>
/// What a model answered. Reasoning arrives either inline (<c>&lt;think&gt;..&lt;/think&gt;</c> at the start of the
/// content) or separately (DeepSeek's <c>reasoning_content</c>); providers split the inline form out, so both
/// end up here the same way and <see cref="StoredText"/> writes them identically.
/// </summary>
public sealed record ChatAnswer
{
    /// <summary>The final answer, without the reasoning.</summary>
    public required string Content { get; init; }

    /// <summary>The reasoning, when the model produced any (null otherwise).</summary>
    public string? Reasoning { get; init; }

    /// <summary>"stop", "length", "content_filter", ... as the endpoint reported it.</summary>
    public required string FinishReason { get; init; }

    public int InputTokens { get; init; }
    public int OutputTokens { get; init; }

    /// <summary>The released STAR-1 form of a response: <c>&lt;think&gt;\n{reasoning}\n&lt;/think&gt;\n\n{answer}</c>.</summary>
    public string StoredText => Reasoning is null ? Content : $"<think>\n{Reasoning}\n</think>\n\n{Content}";

    /// <summary>
    /// The answer with a leading inline think block moved into <see cref="Reasoning"/> (unchanged when the
    /// reasoning came separately or there is none). Applied when an answer is read, from the wire or the request
    /// cache, never before it is cached: the cache keeps what the endpoint said, so a fix here needs no new request.
    /// </summary>
    public ChatAnswer WithInlineThinkingSplit()
    {
        if (Reasoning is not null) return this;
        var (reasoning, content) = SplitInlineThinking(Content);
        return reasoning is null ? this : this with { Reasoning = reasoning, Content = content };
    }

    /// <summary>
    /// Splits a leading <c>&lt;think&gt;..&lt;/think&gt;</c> block out of an answer's text (endpoints such as vLLM and
    /// Ollama return R1's reasoning inline). Text without one is all answer.
    /// </summary>
    public static (string? Reasoning, string Content) SplitInlineThinking(string text)
    {
        var trimmed = text.TrimStart();
        if (!trimmed.StartsWith("<think>", StringComparison.Ordinal)) return (null, text);
        var end = trimmed.IndexOf("</think>", StringComparison.Ordinal);
        if (end < 0) return (null, text);
        var reasoning = trimmed["<think>".Length..end].Trim('\n', '\r', ' ');
        var content = trimmed[(end + "</think>".Length)..].TrimStart('\n', '\r', ' ');
        return (reasoning, content);
    }
}
