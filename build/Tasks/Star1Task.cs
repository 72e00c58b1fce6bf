using Star1.Host;

namespace Star1.Build.Tasks;

/// <summary>
/// The whole paper as far as its stages have landed: section 2.1 (Collect), 2.2-2.3 (Classify, Reason, Score,
/// Select), the over-refusal branch of section 4.3 (Rewrite, BenignReason, BenignScore, BenignSelect) and the
/// fine-tuning of section 3.1 on both training sets (Train, TrainBenign), and the evaluation of section 3.1 (the
/// Eval cells of every model in eval.models, then EvalTable), and the Report gathering their figures and numbers.
/// </summary>
[TaskName("Star1")]
[IsDependentOn(typeof(SelectTask))]
[IsDependentOn(typeof(BenignSelectTask))]
[IsDependentOn(typeof(TrainTask))]
[IsDependentOn(typeof(TrainBenignTask))]
[IsDependentOn(typeof(EvalTask))]
[IsDependentOn(typeof(ReportTask))]
[TaskDescription("Reproduce the paper: every stage, each skipped when fresh")]
public sealed class Star1Task : FrostingTask<BuildContext>;
