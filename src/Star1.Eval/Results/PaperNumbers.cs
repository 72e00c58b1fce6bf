namespace Star1.Eval.Results;

/// <summary>One row of the paper's Table 1: per-benchmark scores where PAPER.md gives them, and the two averages.</summary>
/// <param name="Key">How a run refers to the row (e.g. <c>star1-qwen-1.5b</c>).</param>
/// <param name="Label">How the row is named in the rendered table.</param>
/// <param name="Scores">Benchmark name (a <see cref="Benchmarks.BenchmarkSpec.Name"/>) to percent; only the
/// 1.5B rows have per-benchmark numbers in PAPER.md.</param>
public sealed record PaperRow(string Key, string Label, IReadOnlyDictionary<string, double> Scores, double SafetyAverage, double ReasoningAverage);

/// <summary>
/// The paper's numbers (PAPER.md section 6, Table 1): R1-Distill and STAR-1 for the five bases. PAPER.md
/// gives the per-benchmark numbers for the 1.5B models only, and no XSTest numbers; those cells stay empty.
/// </summary>
public static class PaperNumbers
{
    public static IReadOnlyList<PaperRow> Rows { get; } =
    [
        Row("r1-distill-qwen-1.5b", "R1-Distill Qwen 1.5B", 35.8, 44.2, new()
        {
            ["strongreject"] = 18.2, ["jbb"] = 19.0, ["wildchat"] = 52.7, ["wildjailbreak"] = 53.2,
            ["aime2024"] = 30.0, ["math500"] = 78.2, ["gpqa_diamond"] = 30.8, ["humaneval"] = 47.6, ["mmlu_pro"] = 34.5,
        }),
        Row("star1-qwen-1.5b", "STAR-1 Qwen 1.5B", 90.3, 43.0, new()
        {
            ["strongreject"] = 93.3, ["jbb"] = 96.0, ["wildchat"] = 87.0, ["wildjailbreak"] = 84.8,
            ["aime2024"] = 23.3, ["math500"] = 76.2, ["gpqa_diamond"] = 35.4, ["humaneval"] = 47.0, ["mmlu_pro"] = 33.2,
        }),
        Row("r1-distill-qwen-7b", "R1-Distill Qwen 7B", 45.4, 60.4),
        Row("star1-qwen-7b", "STAR-1 Qwen 7B", 93.3, 57.4),
        Row("r1-distill-llama-8b", "R1-Distill Llama 8B", 55.7, 56.3),
        Row("star1-llama-8b", "STAR-1 Llama 8B", 94.6, 55.2),
        Row("r1-distill-qwen-14b", "R1-Distill Qwen 14B", 64.5, 70.2),
        Row("star1-qwen-14b", "STAR-1 Qwen 14B", 95.6, 68.8),
        Row("r1-distill-qwen-32b", "R1-Distill Qwen 32B", 68.4, 74.8),
        Row("star1-qwen-32b", "STAR-1 Qwen 32B", 96.1, 76.1),
    ];

    /// <summary>The row with this key.</summary>
    /// <exception cref="ArgumentException">Unknown key; the message lists the known ones.</exception>
    public static PaperRow Get(string key) =>
        Rows.FirstOrDefault(r => r.Key == key)
        ?? throw new ArgumentException($"unknown paper row '{key}'; known rows are: {string.Join(", ", Rows.Select(r => r.Key))}", nameof(key));

    private static PaperRow Row(string key, string label, double safety, double reasoning, Dictionary<string, double>? scores = null) =>
        new(key, label, scores ?? [], safety, reasoning);
}
