namespace Star1.Eval.Benchmarks;

/// <summary>What a benchmark measures, which decides how its answers are judged.</summary>
public enum BenchmarkKind
{
    /// <summary>Harmful requests; Llama-Guard judges the answer, the metric is the share judged safe.</summary>
    Safety,
    /// <summary>Benign requests that look harmful (XSTest); the metric is the share fully complied with.</summary>
    OverRefusal,
    /// <summary>Questions with a reference answer or tests; graded by rule, no judge.</summary>
    Reasoning,
}

/// <summary>
/// One benchmark of the paper's evaluation (PAPER.md section 6) with the generation settings the paper
/// used for it.
/// </summary>
/// <param name="Name">The parameter key (params.yaml <c>eval.safety_sets</c> / <c>reasoning_sets</c>).</param>
/// <param name="Title">The column header of Table 1.</param>
/// <param name="Kind">How answers are judged.</param>
/// <param name="MaxTokens">The paper's generation budget for this set.</param>
/// <param name="Temperature">The paper's sampling temperature (0: greedy).</param>
/// <param name="TopP">The paper's nucleus mass.</param>
/// <param name="PaperCount">How many items the full-size set has.</param>
/// <param name="AnswerLetters">Multiple choice only: how many option letters (4 = A-D, 10 = A-J); 0 otherwise.</param>
public sealed record BenchmarkSpec(
    string Name,
    string Title,
    BenchmarkKind Kind,
    int MaxTokens,
    double Temperature,
    double TopP,
    int PaperCount,
    int AnswerLetters = 0)
{
    /// <summary>The file of the demo set, relative to the repository root.</summary>
    public string DemoPath => $"{BenchmarkCatalog.DemoFolder}/{Name}.jsonl";
}
