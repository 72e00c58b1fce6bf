namespace Star1.Eval.Sandbox;

/// <summary>One HumanEval item to grade: the benchmark's prompt, test and entry point, and the model's completion.</summary>
public sealed record HumanEvalItem(string Prompt, string Completion, string Test, string EntryPoint);

/// <summary>
/// HumanEval pass@1 (paper section 6): an item passes when its program (<see cref="HumanEvalProgram"/>) exits 0 in
/// the sandbox within the timeout. Whatever goes wrong with one item (a crash, a hang, a sandbox that could not
/// start it) fails that item with a reason; only a missing python3, which would fail every item for a reason
/// that is not the model's, stops the run.
/// </summary>
public static class HumanEvalGrader
{
    public static async Task<(bool Passed, string Reason)> GradeAsync(
        string prompt, string completion, string test, string entryPoint, SandboxLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= SandboxLimits.Default;
        limits.Validate(); // a wrong setting is the run's error, not the item's
        try
        {
            var program = HumanEvalProgram.Build(prompt, completion, test, entryPoint);
            var result = await PythonSandbox.RunAsync(program, limits, cancellationToken);
            return (result.Passed, result.Passed ? "passed" : $"{result.Outcome}: {result.Reason}");
        }
        catch (PythonNotFoundException) { throw; }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e)
        {
            return (false, $"Error: the sandbox failed on this item: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Grades <paramref name="items"/> with at most <paramref name="concurrency"/> programs running at once; the
    /// grades come back in the items' order. Each program is single-threaded, so about one per core is the
    /// useful bound.
    /// </summary>
    public static async Task<IReadOnlyList<(bool Passed, string Reason)>> GradeManyAsync(
        IReadOnlyList<HumanEvalItem> items, int concurrency, SandboxLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        limits ??= SandboxLimits.Default;
        limits.Validate();
        if (items.Count > 0 && !PythonSandbox.PythonAvailable) throw new PythonNotFoundException();
        var grades = new (bool Passed, string Reason)[items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), options, async (i, token) =>
        {
            var item = items[i];
            grades[i] = item is null
                ? (false, "Error: no item")
                : await GradeAsync(item.Prompt, item.Completion, item.Test, item.EntryPoint, limits, token);
        });
        return grades;
    }
}
