using System.Text.Json.Serialization;
using Star1.Data.Collect;
using Star1.Data.Selection;
using Star1.Llm;

namespace Star1.Data.Deliberation;

// The records the LLM stages pass along, one per stage output. Property order is the JSON field order and
// the [JsonPropertyName]s are the files' keys; DatasetJson writes and strictly reads all of them.

/// <summary>Classify's output: a collected question with its categories (["Other"] when none applies).</summary>
public sealed record ClassifiedQuestion(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("category")] IReadOnlyList<string> Category)
{
    public static ClassifiedQuestion From(CollectedQuestion q, IReadOnlyList<string> categories) => new(q.Id, q.Question, q.Source, categories);
}

/// <summary>Reason's output: the stored response is <c>&lt;think&gt;\n{reasoning}\n&lt;/think&gt;\n\n{answer}</c> (<see cref="Star1.Llm.ChatAnswer.StoredText"/>).</summary>
public sealed record ReasonedQuestion(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("category")] IReadOnlyList<string> Category,
    [property: JsonPropertyName("response")] string Response)
{
    /// <summary>Stores the answer as the released form <c>&lt;think&gt;\n{reasoning}\n&lt;/think&gt;\n\n{answer}</c>.</summary>
    public static ReasonedQuestion From(ClassifiedQuestion q, ChatAnswer answer) => new(q.Id, q.Question, q.Source, q.Category, answer.StoredText);
}

/// <summary>The three 0-10 criteria of the scoring rubric (paper section 2.3), named as the model answers them.</summary>
public sealed record SafetyScores(
    [property: JsonPropertyName("Content_Safety_Compliance")] int ContentSafetyCompliance,
    [property: JsonPropertyName("Relevancy_and_No_Redundant_Content")] int RelevancyAndNoRedundantContent,
    [property: JsonPropertyName("Accuracy_of_Thinking_Process")] int AccuracyOfThinkingProcess)
{
    public static IReadOnlyList<string> Criteria { get; } =
        ["Content_Safety_Compliance", "Relevancy_and_No_Redundant_Content", "Accuracy_of_Thinking_Process"];
    public const int Min = 0, Max = 10;

    public bool AllEqual(int value) =>
        ContentSafetyCompliance == value && RelevancyAndNoRedundantContent == value && AccuracyOfThinkingProcess == value;

    internal static SafetyScores From(IReadOnlyList<int> v) => new(v[0], v[1], v[2]);
}

/// <summary>
/// Score's output, in the STAR-41K shape: every reasoned question with its scores. Also what <c>select.from</c>
/// may point at instead (a released STAR-41K-format file).
/// </summary>
public sealed record ScoredQuestion(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("category")] IReadOnlyList<string> Category,
    [property: JsonPropertyName("response")] string Response,
    [property: JsonPropertyName("score")] SafetyScores Score)
{
    public static ScoredQuestion From(ReasonedQuestion q, SafetyScores score) => new(q.Id, q.Question, q.Source, q.Category, q.Response, score);
}

/// <summary>Rewrite's output: a STAR-1 question turned into a harmless look-alike (appendix E), with where it came from.</summary>
public sealed record BenignQuestion(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("original_question")] string OriginalQuestion,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("category")] IReadOnlyList<string> Category)
{
    public static BenignQuestion From(StarOneRecord r, string rewritten) => new(r.Id, rewritten, r.Question, r.Source, r.Category);
}

/// <summary>BenignReason's output: the benign question and R1's response to it alone (no policies).</summary>
public sealed record BenignReasoned(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("original_question")] string OriginalQuestion,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("category")] IReadOnlyList<string> Category,
    [property: JsonPropertyName("response")] string Response)
{
    public static BenignReasoned From(BenignQuestion q, ChatAnswer answer) => new(q.Id, q.Question, q.OriginalQuestion, q.Source, q.Category, answer.StoredText);
}

/// <summary>The three 1-5 criteria of the benign rubric (appendix E).</summary>
public sealed record BenignScores(
    [property: JsonPropertyName("Content_Safety_Compliance")] int ContentSafetyCompliance,
    [property: JsonPropertyName("Quality_of_Thinking_Process")] int QualityOfThinkingProcess,
    [property: JsonPropertyName("Compliance_Degree")] int ComplianceDegree)
{
    public static IReadOnlyList<string> Criteria { get; } =
        ["Content_Safety_Compliance", "Quality_of_Thinking_Process", "Compliance_Degree"];
    public const int Min = 1, Max = 5;

    public bool AllEqual(int value) =>
        ContentSafetyCompliance == value && QualityOfThinkingProcess == value && ComplianceDegree == value;

    internal static BenignScores From(IReadOnlyList<int> v) => new(v[0], v[1], v[2]);
}

/// <summary>BenignScore's output (all items), and BenignSelect's (the all-5 ones: STAR-benign-915 in the paper).</summary>
public sealed record BenignScored(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("response")] string Response,
    [property: JsonPropertyName("original_question")] string OriginalQuestion,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("category")] IReadOnlyList<string> Category,
    [property: JsonPropertyName("score")] BenignScores Score)
{
    public static BenignScored From(BenignReasoned q, BenignScores score) => new(q.Id, q.Question, q.Response, q.OriginalQuestion, q.Source, q.Category, score);
}
