using Star1.Data.Deliberation;
using Star1.Data.Selection;
using Star1.Host;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 4.3, step 3: keep the benign items scoring the required score (5) on all three criteria
/// (STAR-benign-915 in the paper), and write the combined training set STAR-1 + benign for the ablation.
/// </summary>
[TaskName("BenignSelect")]
[IsDependentOn(typeof(SelectTask))]
[IsDependentOn(typeof(BenignScoreTask))]
[TaskDescription("Section 4.3: keep the all-5 benign items -> benign.json, and STAR-1 + benign -> combined.json")]
public sealed class BenignSelectTask : StageTask<BuildContext>
{
    public const string Benign = "benign.json";
    public const string Combined = "combined.json";
    public const string DistributionFile = "distribution.json";

    public override IReadOnlyList<string> ParamKeys => ["benign_score.required_score"];
    public override IReadOnlyList<string> Reads => [$"Select/{SelectTask.StarOne}", $"BenignScore/{BenignScoreTask.Scored}"];
    public override IReadOnlyList<string> Outputs => [Benign, Combined, DistributionFile];

    public override async Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var scored = DatasetJson.ReadBenignScored(stage.Input("BenignScore", BenignScoreTask.Scored));
        var benign = BenignSelection.Select(scored, (int)stage.Param("benign_score.required_score").AsInt());
        // The benign items keep the ids of the STAR-1 questions they were rewritten from; (origin, id) is the key.
        var starOne = DatasetJson.ReadStarOne(stage.Input("Select", SelectTask.StarOne));
        var combined = TrainingSet.Combine(starOne, benign);
        var distribution = Distributions.Of(benign.Select(b => (b.Source, b.Category)));
        await File.WriteAllBytesAsync(stage.Output(Benign), DatasetJson.Write(benign), ct);
        await File.WriteAllBytesAsync(stage.Output(Combined), DatasetJson.Write(combined), ct);
        await File.WriteAllBytesAsync(stage.Output(DistributionFile), DatasetJson.Write(distribution), ct);
        stage.Reporter.Info($"BenignSelect: {scored.Count} scored, {benign.Count} with {stage.Param("benign_score.required_score").AsInt()} on all three criteria; {combined.Count} training examples in all");
    }
}
