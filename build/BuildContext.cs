using Cake.Core;
using Star1.Host;
using Star1.Llm.Calling;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;

namespace Star1.Build;

/// <summary>The typed context of the STAR1 graph; shared helpers for tasks go here.</summary>
public sealed class BuildContext(ICakeContext cake, StageEngine engine, HostOptions options)
    : StageBuildContext(cake, engine, options)
{
    private readonly Lock gate = new();
    private LlmBudget? budget;
    private bool budgetRead;

    /// <summary>
    /// The one budget every LLM stage of this build draws on (llm.build_budget_usd; null when 0, no limit).
    /// Read through the first stage that asks, which declares the key among its settings.
    /// </summary>
    public LlmBudget? BuildBudget(Func<string, ParamNode> param)
    {
        lock (gate)
        {
            if (!budgetRead)
            {
                var usd = param("llm.build_budget_usd").AsDouble();
                budget = usd > 0 ? new LlmBudget((decimal)usd) : null;
                budgetRead = true;
            }
            return budget;
        }
    }
}
