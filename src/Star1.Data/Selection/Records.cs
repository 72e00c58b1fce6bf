using System.Text.Json.Serialization;
using Star1.Data.Deliberation;

namespace Star1.Data.Selection;

/// <summary>
/// One STAR-1 record, exactly as the released STAR-1 JSON has it: <c>{id, question, response, category,
/// source, score}</c>, in that order, with <c>category</c> a list and <c>score</c> the three 0-10 criteria.
/// </summary>
public sealed record StarOneRecord(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("response")] string Response,
    [property: JsonPropertyName("category")] IReadOnlyList<string> Category,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("score")] SafetyScores Score)
{
    public static StarOneRecord From(ScoredQuestion q) => new(q.Id, q.Question, q.Response, q.Category, q.Source, q.Score);
}

/// <summary>
/// One example of the training set: STAR-1 alone, or STAR-1 plus the benign set for the over-refusal ablation
/// (paper section 4.3). <c>origin</c> is "star1" or "benign"; ids repeat across origins (a benign item keeps the
/// id of the STAR-1 question it was rewritten from), so (origin, id) is the key.
/// </summary>
public sealed record TrainingExample(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("response")] string Response)
{
    public const string StarOne = "star1";
    public const string Benign = "benign";
}

/// <summary>How many items carry each category and come from each source (the paper's section 2.3 tables).</summary>
public sealed record Distribution(
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("categories")] IReadOnlyDictionary<string, int> Categories,
    [property: JsonPropertyName("sources")] IReadOnlyDictionary<string, int> Sources);
