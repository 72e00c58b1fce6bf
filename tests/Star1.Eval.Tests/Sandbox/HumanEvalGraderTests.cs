using Star1.Eval.Sandbox;

namespace Star1.Eval.Tests.Sandbox;

/// <summary>HumanEval pass@1 on small items in the benchmark's shape.</summary>
[Collection(SandboxCollection.Name)]
public sealed class HumanEvalGraderTests
{
    private const string Prompt = "from typing import List\n\n\ndef add(a: int, b: int) -> int:\n    \"\"\"Add two numbers.\n    >>> add(2, 3)\n    5\n    \"\"\"\n";
    private const string Test = "\n\nMETADATA = {}\n\n\ndef check(candidate):\n    assert candidate(-1, 1) == 0\n    assert candidate(2, 3) == 5\n";

    [PythonFact]
    public async Task A_correct_solution_passes()
    {
        var (passed, reason) = await HumanEvalGrader.GradeAsync(Prompt, "    return a + b\n", Test, "add");

        Assert.True(passed, reason);
        Assert.Equal("passed", reason);
    }

    [PythonFact]
    public async Task A_reasoning_model_answer_with_a_fenced_function_passes()
    {
        var completion = "Okay, so I need to add.\n</think>\n\nHere is the function:\n\n```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```\n";

        var (passed, reason) = await HumanEvalGrader.GradeAsync(Prompt, completion, Test, "add");

        Assert.True(passed, reason);
    }

    [PythonFact]
    public async Task A_wrong_solution_fails_naming_the_assertion()
    {
        var (passed, reason) = await HumanEvalGrader.GradeAsync(Prompt, "    return a - b\n", Test, "add");

        Assert.False(passed);
        Assert.StartsWith("Failed: AssertionError: assert candidate(-1, 1) == 0 (line ", reason);
    }

    [PythonFact]
    public async Task A_broken_or_hanging_item_is_a_failed_item_not_an_error_for_the_run()
    {
        var limits = new SandboxLimits { TimeoutSeconds = 1 };

        var syntax = await HumanEvalGrader.GradeAsync(Prompt, "    return a +\n", Test, "add", limits);
        var hang = await HumanEvalGrader.GradeAsync(Prompt, "    while True:\n        pass\n", Test, "add", limits);
        var unclosed = await HumanEvalGrader.GradeAsync(Prompt, "<think> still thinking", Test, "add", limits);

        Assert.False(syntax.Passed);
        Assert.StartsWith("Failed: SyntaxError", syntax.Reason);
        Assert.False(hang.Passed);
        Assert.StartsWith("Timeout: timed out after 1 s", hang.Reason);
        Assert.False(unclosed.Passed); // the prompt's function without a body
        Assert.StartsWith("Failed:", unclosed.Reason);
    }

    [PythonFact]
    public async Task An_item_the_grader_cannot_even_build_fails_with_a_reason_instead_of_throwing()
    {
        var (passed, reason) = await HumanEvalGrader.GradeAsync(Prompt, "    return a + b\n", Test, entryPoint: " ");

        Assert.False(passed);
        Assert.StartsWith("Error: the sandbox failed on this item: ArgumentException", reason);
    }

    [PythonFact]
    public async Task Grading_many_keeps_the_items_order_and_runs_them_side_by_side()
    {
        var items = Enumerable.Range(0, 8)
            .Select(i => new HumanEvalItem(Prompt, i % 2 == 0 ? "    return a + b\n" : "    return a * b\n", Test, "add"))
            .ToList();

        var grades = await HumanEvalGrader.GradeManyAsync(items, concurrency: 3);

        Assert.Equal([true, false, true, false, true, false, true, false], grades.Select(g => g.Passed));
        Assert.All(grades.Where(g => !g.Passed), g => Assert.Contains("AssertionError", g.Reason));
    }

    [Fact]
    public void A_missing_python_is_named_for_the_whole_run()
    {
        Assert.Equal("python3 not found on PATH: HumanEval needs it to run the tests", new PythonNotFoundException().Message);
    }

    [Fact]
    public async Task A_concurrency_below_one_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => HumanEvalGrader.GradeManyAsync([], concurrency: 0));
    }
}
