using Star1.Build.Tasks.Report;
using Star1.Host;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>
/// The paper's figures and Table 1 in one place: report.md with its charts beside it, and index.html, one file with
/// the charts embedded, that opens without a server. Every number says which stage computed it, with the params
/// keys and prompts behind it; Report declares those keys and prompts itself (see <see cref="Provenance"/>).
/// </summary>
[TaskName("Report")]
[IsDependentOn(typeof(CollectTask))]
[IsDependentOn(typeof(SelectTask))]
[IsDependentOn(typeof(ScoreTask))]
[IsDependentOn(typeof(TrainTask))]
[IsDependentOn(typeof(TrainBenignTask))]
[IsDependentOn(typeof(EvalTask))]
[TaskDescription("Funnel, selection, scores, loss curves and Table 1 with provenance -> report.md, index.html (self-contained)")]
public sealed class ReportTask : StageTask<BuildContext>
{
    public const string Markdown = "report.md";
    public const string Html = "index.html";

    public override IReadOnlyList<string> Outputs => [Markdown, Html, .. ReportSections.Charts];

    /// <summary>Everything it may read; under given params, only the stages that run (see <see cref="ReportSources"/>).</summary>
    public override IReadOnlyList<string> Reads =>
        [$"Collect/{CollectTask.FunnelStatsFile}", $"Select/{SelectTask.DistributionFile}", $"Score/{ScoreTask.Scored}",
         $"Train/{Training.TrainStageTask.Metrics}", $"TrainBenign/{Training.TrainStageTask.Metrics}",
         $"{Eval.EvalTable.Name}/{Eval.EvalTable.TableFile}", $"{Eval.EvalTable.Name}/{Eval.EvalTable.ResultsFile}"];

    public override IReadOnlyList<string> ReadsFor(EffectiveParams parameters) => [.. ReportSources.Of(parameters).SelectMany(s => s.Files)];

    public override IEnumerable<string> ParamKeysFrom(EffectiveParams parameters) => Provenance.Keys(ReportSources.Of(parameters));

    public override IReadOnlyList<string> Prompts => ReportSources.AllPrompts;

    public override async Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var sections = new ReportSections(stage, ReportSources.Of(context.Params));
        List<ReportBlock> blocks =
        [
            new HeadingBlock(1, "STAR-1 reproduction report"),
            new TextBlock($"Profile `{stage.Profile}`. Each section ends with its source: the stage that computed its numbers, the params keys that stage reads with their values, and its prompt files with their SHA-256."),
            .. sections.Funnel(), .. sections.Selection(), .. sections.Scores(), .. sections.Training(), .. sections.Evaluation(),
        ];
        await File.WriteAllTextAsync(stage.Output(Markdown), ReportRender.Markdown(blocks), ct);
        await File.WriteAllTextAsync(stage.Output(Html), ReportRender.Html("STAR-1 reproduction report", blocks, chart => File.ReadAllBytes(stage.Output(chart))), ct);
        stage.Reporter.Info($"Report: {Markdown}, {Html} and {ReportSections.Charts.Count} charts");
    }
}
