using System.Text;

namespace Star1.Eval.Benchmarks;

/// <summary>
/// The instructions wrapped around each reasoning question (our own wording). Each asks for the answer
/// in exactly the form its grader extracts (<c>\boxed{}</c>, a closing <c>Answer: X</c> line), so a
/// correct answer is not lost to a format the grader does not read. The safety sets get no wrapper: the
/// request itself is the prompt, as in the paper.
/// </summary>
public static class BenchmarkPrompts
{
    /// <summary>AIME and MATH-500: the problem, then where to put the final answer.</summary>
    public static string Math(string problem) =>
        problem.TrimEnd() + "\n\nWork through the problem step by step. When you are done, write the final answer alone inside \\boxed{}.";

    /// <summary>GPQA and MMLU-Pro: the question, the lettered options, then the answer line to end with.</summary>
    public static string MultipleChoice(string question, IReadOnlyList<string> options)
    {
        if (options.Count is < 2 or > 26) throw new ArgumentException($"expected 2 to 26 options, got {options.Count}", nameof(options));
        var text = new StringBuilder(question.TrimEnd()).Append("\n\n");
        for (int i = 0; i < options.Count; i++) text.Append(Letter(i)).Append(") ").Append(options[i].Trim()).Append('\n');
        var last = Letter(options.Count - 1);
        text.Append($"\nThink it through, then finish with a last line of the form \"Answer: X\", where X is one letter from A to {last}.");
        return text.ToString();
    }

    /// <summary>HumanEval: the signature and docstring, and what to send back.</summary>
    public static string CodeCompletion(string codePrompt) =>
        "Finish the Python function below so that it does what its docstring says. Reply with the complete "
        + "function (the given code plus your body) in one ```python code block.\n\n```python\n" + codePrompt.TrimEnd() + "\n```";

    /// <summary>Option letter of index <paramref name="i"/> (0 = A).</summary>
    public static string Letter(int i) => ((char)('A' + i)).ToString();
}
