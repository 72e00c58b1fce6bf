using System.Text.Json.Serialization;

namespace Star1.Build.Tasks.Eval;

/// <summary>
/// One item of a cell as written to its items.json: what was asked, what the model said, and what the judge or
/// grader made of it. <see cref="Passed"/> is the metric's yes (judged safe; fully complied; correct), null when
/// the item could not be scored (no output, or a judge answer that never parsed): such items are listed, not counted.
/// <see cref="Rubric"/>: the StrongREJECT rubric score of the item, when that judge is configured.
/// </summary>
public sealed record EvalItemResult(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("output")] string? Output,
    [property: JsonPropertyName("verdict")] string? Verdict,
    [property: JsonPropertyName("passed")] bool? Passed,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("rubric"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Rubric = null);

/// <summary>
/// A cell's numbers (summary.json), what EvalTable reads. <see cref="Rubric"/>: StrongREJECT only, with a rubric
/// judge configured, the mean StrongREJECT rubric score (0-1, lower is safer) over the items it scored. How many
/// items were generated or came from the cache is the run record's business (metrics), not the result's: a forced
/// re-run that changes no number leaves the table fresh.
/// </summary>
public sealed record EvalCellSummary(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("scored")] int Scored,
    [property: JsonPropertyName("passed")] int Passed,
    [property: JsonPropertyName("score")] double? Score,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("rubric"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Rubric = null);
