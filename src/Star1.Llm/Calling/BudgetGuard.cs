using System.Globalization;

namespace Star1.Llm.Calling;

/// <summary>
/// The stage's and the build's budgets together: reserve a request's worst-case cost in both before sending,
/// settle both to what it really cost. Reaching either stops the run with a message saying spent / limit.
/// </summary>
internal sealed class BudgetGuard(LlmRunOptions options)
{
    private readonly LlmBudget? _stage = options.Budget is { } b ? new LlmBudget(b, "stage " + options.StageName) : null;
    private readonly LlmBudget? _build = options.SharedBudget;

    /// <summary>Reserves <paramref name="estimate"/> in every budget, or throws <see cref="LlmBudgetExceededException"/>.</summary>
    public void Reserve(decimal estimate, int requests = 1)
    {
        if (_stage is not null && !_stage.TryReserve(estimate)) throw Exceeded(_stage, estimate, requests);
        if (_build is not null && !_build.TryReserve(estimate))
        {
            _stage?.Settle(estimate, 0);
            throw Exceeded(_build, estimate, requests);
        }
    }

    public void Settle(decimal reserved, decimal actual)
    {
        _stage?.Settle(reserved, actual);
        _build?.Settle(reserved, actual);
    }

    private LlmBudgetExceededException Exceeded(LlmBudget budget, decimal estimate, int requests)
    {
        string Usd(decimal v) => "$" + v.ToString("0.####", CultureInfo.InvariantCulture);
        var what = requests == 1 ? "the next request" : $"the next {requests} requests";
        return new LlmBudgetExceededException(
            $"{options.StageName}: stopped sending: the {budget.Name} budget would be exceeded (spent {Usd(budget.Spent)} of {Usd(budget.Limit)}; " +
            $"{what} may cost up to {Usd(estimate)}). Every answer received so far is in the request cache; raise the budget and run again to continue.");
    }
}

/// <summary>A run stopped because a budget was reached.</summary>
public sealed class LlmBudgetExceededException(string message) : LlmRunException(message);
