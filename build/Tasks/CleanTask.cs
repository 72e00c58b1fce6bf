using Star1.Host;

namespace Star1.Build.Tasks;

[TaskName("Clean")]
[TaskDescription("Delete stage outputs and the lock (keeps the run-cache, so the next build restores instead of recomputing)")]
public sealed class CleanTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var workspace = context.Workspace;
        foreach (var stage in context.Engine.Stages)
        {
            var dir = workspace.StageDir(stage.Name);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        if (File.Exists(workspace.LockPath)) File.Delete(workspace.LockPath);
        context.Engine.Reporter.Info("removed stage outputs and the lock; the run-cache in artifacts/cache is kept (delete it by hand to start from nothing)");
    }
}
