using System.Text.Encodings.Web;
using System.Text.Json;
using Star1.Llm;

namespace Star1.Data.StandIns;

/// <summary>What the stand-ins share: JSON without HTML escaping, and a "stop" answer with rough token counts.</summary>
internal static class StandInJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ChatAnswer Answer(string content, string? reasoning, string prompt) => new()
    {
        Content = content,
        Reasoning = reasoning,
        FinishReason = "stop",
        InputTokens = Words(prompt),
        OutputTokens = Words(content) + (reasoning is null ? 0 : Words(reasoning)),
    };

    // About one token per word is close enough for accounting of an offline run.
    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
