using Star1.Host;

namespace Star1.Build.Tasks;

[TaskName("Default")]
[IsDependentOn(typeof(Star1Task))]
[TaskDescription("What ./build.sh runs without --target: Star1")]
public sealed class DefaultTask : FrostingTask<BuildContext>;
