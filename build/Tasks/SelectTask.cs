using Star1.Data.Deliberation;
using Star1.Data.Selection;
using Star1.Host;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 2.3: the accuracy filter (all three criteria at the required score, not "Other"), then the
/// greedy diversity rule down to select.size. Reads Score's output, or, when select.from names one, a scored
/// file in the released STAR-41K schema (then Score and everything before it are not needed at all).
/// </summary>
[TaskName("Select")]
[IsDependentOn(typeof(ScoreTask))]
[TaskDescription("Section 2.3: accuracy filter, then the balanced selection -> star1.json (STAR-1 schema)")]
public sealed class SelectTask : StageTask<BuildContext>
{
    public const string StarOne = "star1.json";
    public const string AllMax = "all_max.json";
    public const string DistributionFile = "distribution.json";

    public override IReadOnlyList<string> ParamKeys => ["select.size", "select.required_score", "select.exclude_other", "select.from"];
    public override IReadOnlyList<string> Reads => [$"Score/{ScoreTask.Scored}"];

    /// <summary>With select.from set, the released file is a data input and Score's output is not read.</summary>
    public override IReadOnlyList<string>? ReadsFor(EffectiveParams parameters) => From(parameters.Get) is null ? Reads : [];

    public override IEnumerable<string> DataFiles(EffectiveParams parameters, string repoRoot) => From(parameters.Get) is { } from ? [from] : [];

    public override IReadOnlyList<string> Outputs => [StarOne, AllMax, DistributionFile];

    public override string? Preflight(EffectiveParams parameters, string repoRoot) =>
        From(parameters.Get) is { } from && !File.Exists(Path.Combine(repoRoot, from))
            ? $"select.from names '{from}', which does not exist (relative paths start at the repository root)"
            : null;

    public override async Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var input = From(stage.Param) is { } from ? Path.Combine(stage.RepoRoot, from) : stage.Input("Score", ScoreTask.Scored);
        var scored = DatasetJson.ReadScored(input);
        var required = (int)stage.Param("select.required_score").AsInt();
        var excludeOther = stage.Param("select.exclude_other").AsBool();
        var size = (int)stage.Param("select.size").AsInt();
        var result = StarOneSelection.Select(scored, size, required, excludeOther);
        var allMax = scored.Where(q => StarOneSelection.PassesAccuracy(q, required, excludeOther)).ToList();
        if (result.Selected.Count < size)
            stage.Reporter.Warn($"Select: only {result.PassedAccuracy} items pass the accuracy filter, fewer than select.size {size}; all of them are kept");

        var distribution = Distributions.Of(result.Selected);
        await File.WriteAllBytesAsync(stage.Output(StarOne), DatasetJson.Write(result.Selected), ct);
        await File.WriteAllBytesAsync(stage.Output(AllMax), DatasetJson.Write(allMax), ct);
        await File.WriteAllBytesAsync(stage.Output(DistributionFile), DatasetJson.Write(distribution), ct);
        stage.Reporter.Info($"Select: {result.Scored} scored, {result.PassedAccuracy} pass the accuracy filter ({result.OtherDropped} Other), {result.Selected.Count} selected");
        stage.Reporter.Info(Distributions.Table(distribution));
    }

    /// <summary>select.from, or null when empty (select from Score's output).</summary>
    private static string? From(Func<string, ParamNode> param) =>
        param("select.from").AsString() is { Length: > 0 } from ? from : null;
}
