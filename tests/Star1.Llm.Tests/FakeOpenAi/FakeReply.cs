using System.Text.Json;

namespace Star1.Llm.Testing;

/// <summary>A chat request as the fake server received it, and how many times it saw the same body before.</summary>
public sealed record FakeChat(string Model, IReadOnlyList<(string Role, string Content)> Messages, JsonElement Body, int SeenBefore)
{
    public string LastUser => Messages.LastOrDefault(m => m.Role == "user").Content ?? "";
}

/// <summary>What the fake server does with one chat request.</summary>
public abstract record FakeReply
{
    /// <summary>A completion. <paramref name="ReasoningContent"/> goes into DeepSeek's separate field; put a think block in the content for the inline form.</summary>
    public sealed record Answer(string Content, string? ReasoningContent = null, string FinishReason = "stop", int PromptTokens = 10, int CompletionTokens = 20) : FakeReply;

    /// <summary>An HTTP error with an OpenAI-style error body, optionally a Retry-After header.</summary>
    public sealed record Status(int Code, string? RetryAfter = null, string Message = "scripted failure") : FakeReply;

    /// <summary>Never answers (until the client gives up or the server stops).</summary>
    public sealed record Hang : FakeReply;

    /// <summary>A 200 whose body is not JSON.</summary>
    public sealed record Malformed : FakeReply;

    /// <summary>The default: echoes the last user message, finish_reason stop.</summary>
    public static FakeReply Echo(FakeChat chat) => new Answer("echo: " + chat.LastUser, PromptTokens: 5 + chat.LastUser.Length / 4, CompletionTokens: 8);
}
