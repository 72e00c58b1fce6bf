using Star1.Build.Tasks.Training;
using Star1.Host;

namespace Star1.Build.Tasks;

/// <summary>Paper section 3.1: fine-tune the base model on STAR-1 (Select's star1.json).</summary>
[TaskName("Train")]
[IsDependentOn(typeof(SelectTask))]
[TaskDescription("Section 3.1: full fine-tuning on STAR-1 -> checkpoint/ (HF layout), metrics.jsonl, loss.png")]
public sealed class TrainTask : TrainStageTask
{
    protected override (string Stage, string File) TrainingFile => ("Select", SelectTask.StarOne);
}
