using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Host;

/// <summary>
/// A task that stands for several stages worked out from params, like DVC's <c>matrix:</c>: one evaluation cell
/// per (model, benchmark), say. Each stage it defines is a stage like any other (its own fingerprint, lock entry,
/// run-cache entry and run-record line), so adding a model to the params adds only that model's stages and
/// re-runs nothing else. The task runs its stages in the order it defines them; a stage may name as upstream the
/// stages of the task's dependencies (<c>upstream</c>) and stages it defined before.
/// </summary>
public abstract class StageMatrixTask<TContext> : FrostingTask<TContext> where TContext : StageBuildContext
{
    /// <summary>The stages under these params, each one after its upstream stages.</summary>
    /// <param name="upstream">The stage names of the task's dependencies (a matrix dependency gives all of its own).</param>
    public abstract IReadOnlyList<StageDefinition> DefineStages(TContext context, IReadOnlyList<string> upstream);

    /// <summary>
    /// The upstream outputs its stages read under these params ("Stage/file"), or null for all of them. A dependency
    /// it reads nothing of is dropped (an evaluation of the base model alone does not wait for a training).
    /// </summary>
    public virtual IReadOnlyList<string>? ReadsFor(EffectiveParams parameters) => null;

    /// <summary>
    /// Whether a stage of this name is one of its stages, so that a task reading "Stage/file" from it keeps it as a
    /// dependency. Its stages are named before params are read, so this goes by the name: by default the task's
    /// name or that name then a dot (Eval.tiny.jbb); a matrix whose closing stage has another name says so.
    /// </summary>
    public virtual bool Defines(string stage)
    {
        var name = TaskInfo.NameOf(GetType());
        return stage == name || stage.StartsWith(name + ".", StringComparison.Ordinal);
    }

    /// <summary>The names <see cref="DefineStages"/> gave, set when the graph is registered.</summary>
    internal IReadOnlyList<string> StageNames { get; set; } = [];

    /// <summary>
    /// Brings every stage up to date: in order, or side by side when a scheduler is set (all are scheduled at
    /// once, in order, so each finds its upstream scheduled). <c>--force-stage</c> with the task's name forces all.
    /// </summary>
    public sealed override async Task RunAsync(TContext context)
    {
        var name = TaskInfo.NameOf(GetType());
        if (context.Scheduler is not null)
        {
            await Task.WhenAll(StageNames.Select(stage => context.RunStageAsync(stage, group: name)).ToList());
            return;
        }
        foreach (var stage in StageNames) await context.RunStageAsync(stage, group: name);
    }
}
