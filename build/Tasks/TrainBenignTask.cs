using Star1.Build.Tasks.Training;
using Star1.Host;

namespace Star1.Build.Tasks;

/// <summary>Paper section 4.3: the over-refusal ablation, the same recipe on STAR-1 + benign (BenignSelect's combined.json).</summary>
[TaskName("TrainBenign")]
[IsDependentOn(typeof(BenignSelectTask))]
[TaskDescription("Section 4.3: the same fine-tuning on STAR-1 + benign -> checkpoint/, metrics.jsonl, loss.png")]
public sealed class TrainBenignTask : TrainStageTask
{
    protected override (string Stage, string File) TrainingFile => ("BenignSelect", BenignSelectTask.Combined);
}
