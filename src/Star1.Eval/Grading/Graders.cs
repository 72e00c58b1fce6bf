using Star1.Eval.Benchmarks;

namespace Star1.Eval.Grading;

/// <summary>The rule-based grader of each reasoning benchmark.</summary>
public static class Graders
{
    /// <summary>
    /// The grader for <paramref name="spec"/>. HumanEval is graded by running its tests in the sandbox and
    /// the safety sets by a judge model, so neither has a grader here.
    /// </summary>
    public static IGrader For(BenchmarkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Name switch
        {
            "aime2024" => new AimeGrader(),
            "math500" => new MathGrader(),
            _ when spec.AnswerLetters > 0 => new ChoiceGrader(spec.AnswerLetters),
            _ => throw new ArgumentException($"{spec.Name} has no rule-based grader (HumanEval runs its tests; safety sets are judged)", nameof(spec)),
        };
    }
}
