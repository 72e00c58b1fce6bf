using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Host;

/// <summary>
/// A task that is a content-hashed stage. It declares what it reads and writes; the engine decides whether to
/// skip, restore or execute it. Its upstream stages are the stage tasks it [IsDependentOn], so a dependency
/// is written once and is both an ordering and an input.
/// </summary>
public abstract class StageTask<TContext> : FrostingTask<TContext> where TContext : StageBuildContext
{
    /// <summary>Bump when a code change alters what the stage produces.</summary>
    public virtual string Version => "1";
    public virtual IReadOnlyList<string> ParamKeys => [];
    public virtual IReadOnlyList<string> Prompts => [];
    public abstract IReadOnlyList<string> Outputs { get; }

    /// <summary>Data files read from outside the graph, worked out from params; hashed into the fingerprint.</summary>
    public virtual IEnumerable<string> DataFiles(EffectiveParams parameters, string repoRoot) => [];

    /// <summary>Does the work, writing every declared output through <see cref="StageContext.Output"/>.</summary>
    public abstract Task ExecuteAsync(TContext context, StageContext stage, CancellationToken ct);

    public sealed override Task RunAsync(TContext context) => context.RunStageAsync(TaskInfo.NameOf(GetType()));

    internal StageDefinition Define(TContext context, IReadOnlyList<string> upstream) => new()
    {
        Name = TaskInfo.NameOf(GetType()),
        Version = Version,
        ParamKeys = ParamKeys,
        Prompts = Prompts,
        Upstream = upstream,
        Outputs = Outputs,
        DataFiles = DataFiles,
        Execute = (stage, ct) => ExecuteAsync(context, stage, ct),
    };
}
