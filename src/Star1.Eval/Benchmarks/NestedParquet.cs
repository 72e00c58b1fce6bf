using System.Text.Json.Serialization;
using Parquet.Serialization;
using Star1.Data.Collect.Sources;

namespace Star1.Eval.Benchmarks;

/// <summary>
/// The two columns Collect's flat reader cannot give: MMLU-Pro's <c>options</c> (a list of strings) and
/// WildChat's conversations and moderation results (lists of structs). They are read with Parquet.Net's
/// typed deserializer, which reads only the columns the class declares; every flat column still goes
/// through Collect's reader. Kept here rather than added to Collect, whose sources are all flat.
/// </summary>
internal static class NestedParquet
{
    /// <summary>MMLU-Pro's option lists, in row order.</summary>
    public static IReadOnlyList<List<string>> MmluProOptions(string path, string display) =>
        Deserialize<MmluProOptionsRow>(path, display, "MMLU-Pro").Select(r => r.Options ?? []).ToList();

    /// <summary>The rows of one WildChat file, only the columns the selection needs.</summary>
    public static IReadOnlyList<WildChatRow> WildChat(string path, string display) =>
        Deserialize<WildChatRow>(path, display, "WildChat");

    private static IReadOnlyList<T> Deserialize<T>(string path, string display, string source) where T : class, new()
    {
        try
        {
            return [.. ParquetSerializer.DeserializeAsync<T>(path).GetAwaiter().GetResult().Data];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new SourceDataException(source, display, "", $"the nested columns could not be read: {e.Message}", e);
        }
    }
}

internal sealed class MmluProOptionsRow
{
    [JsonPropertyName("options")]
    public List<string>? Options { get; set; }
}

/// <summary>
/// The WildChat-1M columns the selection reads (types per the dataset card: <c>turn</c> int64, scores
/// float64). Value types are nullable because pyarrow writes every column as optional.
/// </summary>
internal sealed class WildChatRow
{
    [JsonPropertyName("conversation_hash")]
    public string? ConversationHash { get; set; }

    [JsonPropertyName("conversation")]
    public List<WildChatTurn>? Conversation { get; set; }

    [JsonPropertyName("turn")]
    public long? Turn { get; set; }

    [JsonPropertyName("language")]
    public string? Language { get; set; }

    [JsonPropertyName("toxic")]
    public bool? Toxic { get; set; }

    [JsonPropertyName("openai_moderation")]
    public List<WildChatModeration>? OpenAiModeration { get; set; }
}

internal sealed class WildChatTurn
{
    [JsonPropertyName("content")]
    public string? Content { get; set; }

    [JsonPropertyName("role")]
    public string? Role { get; set; }
}

internal sealed class WildChatModeration
{
    [JsonPropertyName("category_scores")]
    public WildChatScores? CategoryScores { get; set; }

    [JsonPropertyName("flagged")]
    public bool? Flagged { get; set; }
}

/// <summary>OpenAI moderation's scores; the slashes are part of the category names.</summary>
internal sealed class WildChatScores
{
    [JsonPropertyName("harassment")] public double? Harassment { get; set; }
    [JsonPropertyName("harassment/threatening")] public double? HarassmentThreatening { get; set; }
    [JsonPropertyName("hate")] public double? Hate { get; set; }
    [JsonPropertyName("hate/threatening")] public double? HateThreatening { get; set; }
    [JsonPropertyName("self-harm")] public double? SelfHarm { get; set; }
    [JsonPropertyName("self-harm/instructions")] public double? SelfHarmInstructions { get; set; }
    [JsonPropertyName("self-harm/intent")] public double? SelfHarmIntent { get; set; }
    [JsonPropertyName("sexual")] public double? Sexual { get; set; }
    [JsonPropertyName("sexual/minors")] public double? SexualMinors { get; set; }
    [JsonPropertyName("violence")] public double? Violence { get; set; }
    [JsonPropertyName("violence/graphic")] public double? ViolenceGraphic { get; set; }

    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["harassment"] = Harassment ?? 0, ["harassment/threatening"] = HarassmentThreatening ?? 0, ["hate"] = Hate ?? 0,
        ["hate/threatening"] = HateThreatening ?? 0, ["self-harm"] = SelfHarm ?? 0, ["self-harm/instructions"] = SelfHarmInstructions ?? 0,
        ["self-harm/intent"] = SelfHarmIntent ?? 0, ["sexual"] = Sexual ?? 0, ["sexual/minors"] = SexualMinors ?? 0,
        ["violence"] = Violence ?? 0, ["violence/graphic"] = ViolenceGraphic ?? 0,
    };
}
