using Star1.Host;

namespace Star1.Build.Tasks;

[TaskName("Default")]
[IsDependentOn(typeof(StatusTask))]
[TaskDescription("What ./build.sh runs without --target")]
public sealed class DefaultTask : FrostingTask<BuildContext>;
