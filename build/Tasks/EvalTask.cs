using Star1.Build.Tasks.Eval;
using Star1.Host;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 3.1, evaluation: one stage per (model, benchmark) cell, named Eval.MODEL.BENCHMARK, then EvalTable,
/// which writes Table 1. Cells are worked out from eval.models and eval.benchmarks, so adding a model runs only
/// its cells; a cell of a trained model reads that training stage's checkpoint, and a training stage no listed
/// model reads is not run.
/// </summary>
[TaskName("Eval")]
[IsDependentOn(typeof(TrainTask))]
[IsDependentOn(typeof(TrainBenignTask))]
[TaskDescription("Section 3.1: each model in eval.models on each benchmark (Eval.MODEL.BENCH cells), then EvalTable -> table.md")]
public sealed class EvalTask : StageMatrixTask<BuildContext>
{
    public override IReadOnlyList<StageDefinition> DefineStages(BuildContext context, IReadOnlyList<string> upstream)
    {
        var models = Models(context.Params);
        var benchmarks = context.Params.Get("eval.benchmarks").Items.Select(b => b.AsString()).ToList();
        var cells = new List<StageDefinition>();
        foreach (var model in models)
            foreach (var benchmark in benchmarks)
                cells.Add(new EvalCell(model, benchmark).Define(context));
        cells.Add(EvalTable.Define(context, models, benchmarks, [.. cells.Select(c => c.Name)]));
        return cells;
    }

    /// <summary>Its cells (Eval.MODEL.BENCH) and the table after them.</summary>
    public override bool Defines(string stage) => stage == EvalTable.Name || base.Defines(stage);

    /// <summary>The checkpoints the listed models read: a training stage none of them reads is not a dependency.</summary>
    public override IReadOnlyList<string>? ReadsFor(EffectiveParams parameters) =>
        [.. Models(parameters).Where(m => m.Kind == EvalModelKind.Stage).SelectMany(m => EvalGeneration.CheckpointReads(m.Target)).Distinct()];

    private static List<EvalModel> Models(EffectiveParams parameters) =>
        [.. parameters.Get("eval.models").Items.Select(m => EvalModel.Read(parameters.Get, parameters, m.AsString()))];
}
