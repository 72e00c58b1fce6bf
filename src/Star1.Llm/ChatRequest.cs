namespace Star1.Llm;

/// <summary>One message of a chat: role is "system", "user" or "assistant".</summary>
public sealed record ChatMessage(string Role, string Content)
{
    public static ChatMessage System(string content) => new("system", content);
    public static ChatMessage User(string content) => new("user", content);
}

/// <summary>
/// Everything besides the messages that decides an answer. Null means "not sent" (the endpoint's default):
/// the paper sends max_completion_tokens to GPT-4o and max_tokens / temperature / top_p to R1.
/// All of it enters the request cache key.
/// </summary>
public sealed record GenerationSettings
{
    public required string Model { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }
    public long? Seed { get; init; }

    /// <summary>Hugging Face semantics (1: off); sent only to servers of open models (vLLM), which take it.</summary>
    public double? RepetitionPenalty { get; init; }
}

/// <summary>A fully rendered request: the messages a model receives and how it is asked to answer.</summary>
public sealed record ChatRequest(IReadOnlyList<ChatMessage> Messages, GenerationSettings Settings);

/// <summary>A stage's unit of work: an item id (the question's id) and the request for it.</summary>
public sealed record LlmItem(string Id, ChatRequest Request);
