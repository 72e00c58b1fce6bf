using Star1.Build.Tasks.Eval;
using Star1.Eval.Benchmarks;
using Star1.Pipeline.Params;

namespace Star1.Build.Tasks.Report;

/// <summary>
/// The stages Report reads under these params, each with the files it reads from them and, for provenance, the
/// keys and prompts those stages read. Worked out from the stage tasks themselves, so a key added to Score is
/// reported (and declared by Report) without touching this file.
/// </summary>
public static class ReportSources
{
    public const string Collect = "Collect";
    public const string Select = "Select";
    public const string Score = "Score";
    public const string Train = "Train";
    public const string TrainBenign = "TrainBenign";

    public static IReadOnlyList<ProvenanceSource> Of(EffectiveParams parameters)
    {
        var sources = new List<ProvenanceSource>();
        // With select.from naming a released file, Select reads neither Score nor (through it) Collect, and they
        // are not run; the report must not drag them in, so their sections are left out.
        if (SelectReadsScore(parameters))
            sources.Add(Of(new CollectTask(), Collect, CollectTask.FunnelStatsFile, parameters));
        sources.Add(Of(new SelectTask(), Select, SelectTask.DistributionFile, parameters));
        if (SelectReadsScore(parameters))
            sources.Add(Of(new ScoreTask(), Score, ScoreTask.Scored, parameters));
        sources.Add(Of(new TrainTask(), Train, Training.TrainStageTask.Metrics, parameters));
        sources.Add(Of(new TrainBenignTask(), TrainBenign, Training.TrainStageTask.Metrics, parameters));
        sources.Add(EvalTableSource(parameters));
        return sources;
    }

    /// <summary>Every prompt any source may read: a stage's prompts are declared once, not per params.</summary>
    public static IReadOnlyList<string> AllPrompts { get; } =
        [.. new ScoreTask().Prompts, .. Star1.Eval.Judging.XsTestRequests.Files, .. Star1.Eval.Judging.StrongRejectRubric.Files];

    public static bool SelectReadsScore(EffectiveParams parameters) =>
        new SelectTask().ReadsFor(parameters) is not { } reads || reads.Contains($"{Score}/{ScoreTask.Scored}");

    private static ProvenanceSource Of<T>(T task, string stage, string file, EffectiveParams parameters) where T : Host.StageTask<BuildContext> =>
        new(stage, [$"{stage}/{file}"], Provenance.KeysOf(task, parameters), task.Prompts);

    /// <summary>
    /// Table 1: the model and benchmark lists that decide its rows and columns, the paper row each model is shown
    /// beside, and the judge prompts its cells read under these params. A cell's own generation and judge keys
    /// are many and are in star1.lock.json under Eval.MODEL.BENCH; the table names the cells, not each of them.
    /// </summary>
    private static ProvenanceSource EvalTableSource(EffectiveParams parameters)
    {
        var models = parameters.Get("eval.models").Items.Select(m => m.AsString()).ToList();
        var benchmarks = parameters.Get("eval.benchmarks").Items.Select(b => b.AsString()).ToList();
        return new(EvalTable.Name, [$"{EvalTable.Name}/{EvalTable.TableFile}", $"{EvalTable.Name}/{EvalTable.ResultsFile}"],
            ["eval.models", "eval.benchmarks", .. models.Select(PaperRowKey)],
            [.. benchmarks.SelectMany(b => EvalScoring.Prompts(parameters, BenchmarkCatalog.Get(b))).Distinct(StringComparer.Ordinal)]);
    }

    public static string PaperRowKey(string model) => $"{EvalModel.Registry}.{model}.paper_row";
}
