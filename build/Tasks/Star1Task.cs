using Star1.Host;

namespace Star1.Build.Tasks;

/// <summary>The whole paper as far as its stages have landed (today: section 2.1, Collect).</summary>
[TaskName("Star1")]
[IsDependentOn(typeof(CollectTask))]
[TaskDescription("Reproduce the paper: every stage, each skipped when fresh")]
public sealed class Star1Task : FrostingTask<BuildContext>;
