using Star1.Host;

namespace Star1.Build.Tasks;

[TaskName("Status")]
[ReadOnlyTask]
[TaskDescription("Print every stage as fresh / stale (with the reason) / never run; runs nothing")]
public sealed class StatusTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) =>
        StageTables.PrintStatus(context.Console, context.Engine.Stages.Select(s => context.Engine.InspectWithEstimate(s.Name)));
}
