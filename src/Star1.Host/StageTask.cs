using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Host;

/// <summary>
/// A task that is a content-hashed stage. It declares what it reads and writes; the engine decides whether to
/// skip, restore or execute it. Its upstream stages are the stage tasks it [IsDependentOn], so a dependency
/// is written once and is both an ordering and an input. Its code is found from the task class itself.
/// </summary>
public abstract class StageTask<TContext> : FrostingTask<TContext> where TContext : StageBuildContext
{
    /// <summary>A hand knob on top of the automatic code hash: bump it to re-run the stage when nothing else would.</summary>
    public virtual string Version => "1";

    /// <summary>
    /// The version under these params and on this machine: <see cref="Version"/>, plus anything that decides the
    /// outputs without being a params value (the device "auto" resolves to, say). Recorded in the lock.
    /// </summary>
    public virtual string VersionFor(EffectiveParams parameters) => Version;
    public virtual IReadOnlyList<string> ParamKeys => [];

    /// <summary>Keys read only in some modes, worked out from the params.</summary>
    public virtual IEnumerable<string> ParamKeysFrom(EffectiveParams parameters) => [];

    /// <summary>Keys that decide how the stage works, not what it produces: left out of the fingerprint.</summary>
    public virtual IReadOnlyList<string> Settings => [];

    public virtual IReadOnlyList<string> Prompts => [];
    public abstract IReadOnlyList<string> Outputs { get; }

    /// <summary>The upstream outputs it reads ("Stage/file"); null: all of them.</summary>
    public virtual IReadOnlyList<string>? Reads => null;

    /// <summary>
    /// The upstream outputs it reads under these params (by default <see cref="Reads"/>). An upstream stage it
    /// reads nothing of is not a dependency under these params: Cake does not run it first and the engine does
    /// not wait for it (Select reading a released file named in params instead of Score's output).
    /// </summary>
    public virtual IReadOnlyList<string>? ReadsFor(EffectiveParams parameters) => Reads;

    /// <summary>Data files read from outside the graph, worked out from params; hashed into the fingerprint.</summary>
    public virtual IEnumerable<string> DataFiles(EffectiveParams parameters, string repoRoot) => [];

    /// <summary>Its inner memo caches and how Gc prunes them.</summary>
    public virtual IReadOnlyList<StageCache> Caches => [];

    /// <summary>Why the stage would stop before any work under these params (null: it can run).</summary>
    public virtual string? Preflight(EffectiveParams parameters, string repoRoot) => null;

    /// <summary>What executing it would cost (requests, tokens, money), for --dryrun and Status; null: nothing to say.</summary>
    public virtual string? Estimate(StageEstimateContext context) => null;

    /// <summary>
    /// Whether, under these params, it keeps the CPU busy rather than waiting on a network: at most
    /// run.cpu_jobs such stages run at once.
    /// </summary>
    public virtual bool CpuHeavyFor(EffectiveParams parameters) => false;

    /// <summary>Does the work, writing every declared output through <see cref="StageContext.Output"/>.</summary>
    public abstract Task ExecuteAsync(TContext context, StageContext stage, CancellationToken ct);

    public sealed override Task RunAsync(TContext context) => context.RunStageAsync(TaskInfo.NameOf(GetType()));

    internal StageDefinition Define(TContext context, IReadOnlyList<string> upstream) => new()
    {
        Name = TaskInfo.NameOf(GetType()),
        Version = VersionFor(context.Params),
        ParamKeys = ParamKeys,
        ParamKeysFrom = ParamKeysFrom,
        Settings = Settings,
        Prompts = Prompts,
        Upstream = upstream,
        UpstreamOutputs = ReadsFor(context.Params),
        Outputs = Outputs,
        DataFiles = DataFiles,
        Caches = Caches,
        Preflight = Preflight,
        Estimate = Estimate,
        CodeRoots = [GetType()],
        CpuHeavy = CpuHeavyFor(context.Params),
        Execute = (stage, ct) => ExecuteAsync(context, stage, ct),
    };
}
