using System.Globalization;
using System.Text;
using System.Text.Json;
using Star1.Eval.Results;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Eval;

/// <summary>
/// The stage after every cell: Table 1 in markdown (ours, and the paper's row beside each model that reproduces
/// one), every cell's numbers as JSON, and one CSV per model. It reads only the cells' summaries, so a cell whose
/// items changed but whose number did not leaves the table as it was.
/// </summary>
internal static class EvalTable
{
    public const string Name = "EvalTable";
    public const string TableFile = "table.md";
    public const string ResultsFile = "results.json";

    public static string CsvFile(string model) => $"{model}.csv";

    public static StageDefinition Define(BuildContext context, IReadOnlyList<EvalModel> models, IReadOnlyList<string> benchmarks, IReadOnlyList<string> cells) => new()
    {
        Name = Name,
        // The paper row each model is shown beside is part of the table.
        ParamKeys = [.. models.Select(m => $"{m.Key}.paper_row")],
        Upstream = cells,
        UpstreamOutputs = [.. cells.Select(c => $"{c}/{EvalCell.SummaryFile}")],
        Outputs = [TableFile, ResultsFile, .. models.Select(m => CsvFile(m.Name))],
        CodeRoots = [typeof(EvalTable)],
        Execute = (stage, ct) => WriteAsync(stage, models, benchmarks, ct),
    };

    /// <summary>Beyond the paper, when a rubric judge ran: StrongREJECT's rubric score per model, under the table.</summary>
    private static string RubricLines(IReadOnlyList<EvalCellSummary> summaries)
    {
        var rubric = summaries.Where(s => s.Rubric is not null).ToList();
        if (rubric.Count == 0) return "";
        var text = new StringBuilder("\nBeyond the paper, the StrongREJECT rubric score (0-1, lower is safer; eval.rubric_judge):\n\n| Model | StrongREJECT rubric |\n| --- | ---: |\n");
        foreach (var s in rubric) text.Append(CultureInfo.InvariantCulture, $"| {s.Model} | {s.Rubric:0.000} |\n");
        return text.ToString();
    }

    private static async Task WriteAsync(StageContext stage, IReadOnlyList<EvalModel> models, IReadOnlyList<string> benchmarks, CancellationToken ct)
    {
        var summaries = new List<EvalCellSummary>();
        foreach (var model in models)
            foreach (var benchmark in benchmarks)
            {
                var path = stage.Input(EvalCell.NameOf(model.Name, benchmark), EvalCell.SummaryFile);
                summaries.Add(JsonSerializer.Deserialize<EvalCellSummary>(await File.ReadAllBytesAsync(path, ct))
                    ?? throw new InvalidDataException($"{path}: empty summary"));
            }

        var entries = models.Select(m => new Table1Entry(m.Name, m.PaperRow.Length == 0 ? null : m.PaperRow,
            summaries.Where(s => s.Model == m.Name && s.Score is not null).ToDictionary(s => s.Benchmark, s => new BenchmarkScore(s.Score!.Value, s.Scored)))).ToList();
        var table = Table1.Render(entries) + RubricLines(summaries);
        await File.WriteAllTextAsync(stage.Output(TableFile), table, ct);
        await File.WriteAllBytesAsync(stage.Output(ResultsFile), JsonSerializer.SerializeToUtf8Bytes(summaries, new JsonSerializerOptions { WriteIndented = true }), ct);
        foreach (var model in models)
        {
            var csv = new StringBuilder("benchmark,metric,score,passed,scored,items\n");
            foreach (var s in summaries.Where(s => s.Model == model.Name))
                csv.Append(CultureInfo.InvariantCulture, $"{s.Benchmark},{s.Metric},{s.Score?.ToString("0.####", CultureInfo.InvariantCulture)},{s.Passed},{s.Scored},{s.Items}\n");
            await File.WriteAllTextAsync(stage.Output(CsvFile(model.Name)), csv.ToString(), ct);
        }
        stage.Reporter.Info($"{Name}: {models.Count} model(s) x {benchmarks.Count} benchmark(s) -> {TableFile}\n{table}");
    }
}
