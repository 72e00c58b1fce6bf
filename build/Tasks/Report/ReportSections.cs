using System.Globalization;
using System.Text.Json;
using Star1.Build.Tasks.Eval;
using Star1.Build.Tasks.Training;
using Star1.Data.Collect.Funnel;
using Star1.Data.Deliberation;
using Star1.Data.Selection;
using Star1.Eval.Results;
using Star1.Modeling.Training;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Report;

/// <summary>
/// The report's sections, in the paper's order: each reads its stage's output, draws its charts into the stage's
/// outputs and returns its blocks, ending with where its numbers came from.
/// </summary>
internal sealed class ReportSections(StageContext stage, IReadOnlyList<ProvenanceSource> sources)
{
    public const string FunnelChart = "funnel.png";
    public const string CategoriesChart = "categories.png";
    public const string SourcesChart = "sources.png";
    public const string TrainLossChart = "loss_train.png";
    public const string TrainBenignLossChart = "loss_trainbenign.png";
    public const string SafetyChart = "safety_avg.png";
    public const string ReasoningChart = "reasoning_avg.png";

    /// <summary>One histogram per score criterion, in SafetyScores.Criteria's order.</summary>
    public static IReadOnlyList<string> ScoreCharts { get; } = ["score_content_safety.png", "score_relevancy.png", "score_thinking.png"];

    /// <summary>Every chart the stage writes, under every params: a section that does not run still writes its charts.</summary>
    public static IReadOnlyList<string> Charts { get; } =
        [FunnelChart, CategoriesChart, SourcesChart, .. ScoreCharts, TrainLossChart, TrainBenignLossChart, SafetyChart, ReasoningChart];

    private ProvenanceSource? SourceOf(string name) => sources.FirstOrDefault(s => s.Stage == name);

    private ProvenanceBlock From(ProvenanceSource source) => new(Provenance.Resolve(stage, source));

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public IEnumerable<ReportBlock> Funnel()
    {
        yield return new HeadingBlock(2, "Collect: the de-duplication funnel (section 2.1)");
        if (SourceOf(ReportSources.Collect) is not { } source)
        {
            ReportCharts.Bars(stage.Output(FunnelChart), "Collect did not run (select.from)", "questions", []);
            yield return new TextBlock("Collect did not run under these params: select.from names a released file.");
            yield break;
        }
        var stats = FunnelStats.FromJson(File.ReadAllText(stage.Input(ReportSources.Collect, CollectTask.FunnelStatsFile)));
        ReportCharts.Bars(stage.Output(FunnelChart), "Questions left after each funnel step", "questions",
            [new ChartBar("raw", stats.RawQuestions), .. stats.Steps.Select(s => new ChartBar(s.Title, s.Kept))]);
        yield return new ChartBlock(FunnelChart, "the funnel: questions left after each step");
        yield return new TableBlock(["Step", "In", "Kept", "Dropped"],
            [["raw questions", "", N(stats.RawQuestions, "0"), ""], .. stats.Steps.Select(s => (IReadOnlyList<string>)[s.Title, N(s.Input, "0"), N(s.Kept, "0"), N(s.Dropped, "0")])]);
        yield return new TextBlock($"{stats.Collected} questions collected from {stats.Sources.Count} sources ({stats.TestQuestions} test questions checked against).");
        yield return From(source);
    }

    public IEnumerable<ReportBlock> Selection()
    {
        var source = SourceOf(ReportSources.Select)!;
        var distribution = JsonSerializer.Deserialize<Distribution>(File.ReadAllBytes(stage.Input(ReportSources.Select, SelectTask.DistributionFile)))
            ?? throw new InvalidDataException("Select/distribution.json is empty");
        yield return new HeadingBlock(2, $"The STAR-1 selection: {distribution.Items} items by category and source (section 2.3)");
        ReportCharts.Bars(stage.Output(CategoriesChart), "STAR-1 items per category (multi-label)", "items", [.. distribution.Categories.Select(c => new ChartBar(c.Key, c.Value))]);
        ReportCharts.Bars(stage.Output(SourcesChart), "STAR-1 items per source", "items", [.. distribution.Sources.Select(c => new ChartBar(c.Key, c.Value))]);
        yield return new ChartBlock(CategoriesChart, "STAR-1 items per category");
        yield return new TableBlock(["Category", "Items"], [.. distribution.Categories.Select(c => (IReadOnlyList<string>)[c.Key, N(c.Value, "0")])]);
        yield return new ChartBlock(SourcesChart, "STAR-1 items per source");
        yield return new TableBlock(["Source", "Items"], [.. distribution.Sources.Select(c => (IReadOnlyList<string>)[c.Key, N(c.Value, "0")])]);
        yield return From(source);
    }

    public IEnumerable<ReportBlock> Scores()
    {
        yield return new HeadingBlock(2, "Score: the three criteria (section 2.3)");
        if (SourceOf(ReportSources.Score) is not { } source)
        {
            foreach (var chart in ScoreCharts) ReportCharts.Bars(stage.Output(chart), "Score did not run (select.from)", "items", []);
            yield return new TextBlock("Score did not run under these params: select.from names a released file.");
            yield break;
        }
        var scored = DatasetJson.ReadScored(stage.Input(ReportSources.Score, ScoreTask.Scored));
        Func<SafetyScores, int>[] criteria = [s => s.ContentSafetyCompliance, s => s.RelevancyAndNoRedundantContent, s => s.AccuracyOfThinkingProcess];
        // The judge scores each criterion 0-10 (prompts/score.md).
        var histograms = criteria.Select(c => ReportCharts.Histogram(scored.Select(q => c(q.Score)), 0, 10)).ToList();
        for (int i = 0; i < criteria.Length; i++)
        {
            ReportCharts.Bars(stage.Output(ScoreCharts[i]), $"{SafetyScores.Criteria[i]} ({scored.Count} items)", "items", histograms[i]);
            yield return new ChartBlock(ScoreCharts[i], $"histogram of {SafetyScores.Criteria[i]}");
        }
        yield return new TableBlock(["Score", .. SafetyScores.Criteria],
            [.. Enumerable.Range(0, 11).Select(v => (IReadOnlyList<string>)[N(v, "0"), .. histograms.Select(h => N(h[v].Value, "0"))])]);
        yield return From(source);
    }

    public IEnumerable<ReportBlock> Training()
    {
        yield return new HeadingBlock(2, "Training: loss curves (section 3.1)");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, chart) in new[] { (ReportSources.Train, TrainLossChart), (ReportSources.TrainBenign, TrainBenignLossChart) })
        {
            var steps = File.ReadAllLines(stage.Input(name, TrainStageTask.Metrics)).Where(l => l.Trim().Length > 0)
                .Select(l => JsonSerializer.Deserialize<StepMetrics>(l) ?? throw new InvalidDataException($"{name}/{TrainStageTask.Metrics}: an empty line")).ToList();
            LossPlot.Save(steps, stage.Output(chart), $"{name}: loss per optimizer step");
            // Loss to three decimals: the curve is what matters, and the last digits of a float sum are not worth pinning.
            rows.Add([name, N(steps.Count, "0"), steps.Count == 0 ? "-" : N(steps[0].Loss, "0.000"), steps.Count == 0 ? "-" : N(steps[^1].Loss, "0.000")]);
        }
        yield return new ChartBlock(TrainLossChart, "Train loss curve");
        yield return new ChartBlock(TrainBenignLossChart, "TrainBenign loss curve");
        yield return new TableBlock(["Stage", "Steps", "First loss", "Last loss"], rows);
        yield return From(SourceOf(ReportSources.Train)!);
        yield return From(SourceOf(ReportSources.TrainBenign)!);
    }

    public IEnumerable<ReportBlock> Evaluation()
    {
        yield return new HeadingBlock(2, "Table 1: safety and reasoning (section 3.1)");
        foreach (var block in TableBlock.FromMarkdown(File.ReadAllText(stage.Input(EvalTable.Name, EvalTable.TableFile)))) yield return block;

        var summaries = JsonSerializer.Deserialize<List<EvalCellSummary>>(File.ReadAllBytes(stage.Input(EvalTable.Name, EvalTable.ResultsFile)))
            ?? throw new InvalidDataException("EvalTable/results.json is empty");
        var models = stage.Param("eval.models").Items.Select(m => m.AsString()).ToList();
        var safety = new List<ChartBar>();
        var reasoning = new List<ChartBar>();
        foreach (var model in models)
        {
            // The same scores EvalTable hands Table1, averaged by Table1 itself: the bars are the table's averages.
            var scores = summaries.Where(s => s.Model == model && s.Score is not null)
                .ToDictionary(s => s.Benchmark, s => new BenchmarkScore(s.Score!.Value, s.Scored));
            var paper = stage.Param(ReportSources.PaperRowKey(model)).AsString() is { Length: > 0 } key ? PaperNumbers.Get(key) : null;
            if (Table1.Average(scores, Table1.SafetyAverageSets) is { } s) safety.Add(new ChartBar(model, s.Mean));
            if (paper is not null) safety.Add(new ChartBar($"paper: {paper.Label}", paper.SafetyAverage, Reference: true));
            if (Table1.Average(scores, Table1.ReasoningAverageSets) is { } r) reasoning.Add(new ChartBar(model, r.Mean));
            if (paper is not null) reasoning.Add(new ChartBar($"paper: {paper.Label}", paper.ReasoningAverage, Reference: true));
        }
        ReportCharts.Bars(stage.Output(SafetyChart), "Safety average per model (%)", "percent", safety, "0.0");
        ReportCharts.Bars(stage.Output(ReasoningChart), "Reasoning average per model (%)", "percent", reasoning, "0.0");
        yield return new ChartBlock(SafetyChart, "safety average per model");
        yield return new ChartBlock(ReasoningChart, "reasoning average per model");
        yield return From(SourceOf(EvalTable.Name)!);
    }
}
