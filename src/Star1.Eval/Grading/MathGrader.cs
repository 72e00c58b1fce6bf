using Star1.Eval.Benchmarks;

namespace Star1.Eval.Grading;

/// <summary>MATH-500: the last <c>\boxed{}</c> of the answer section, compared with <see cref="MathAnswer.Equivalent"/>.</summary>
public sealed class MathGrader : IGrader
{
    public Grade Grade(BenchmarkItem item, string output)
    {
        ArgumentNullException.ThrowIfNull(item);
        var reference = item.Answer ?? throw new ArgumentException($"{item.Id}: no reference answer", nameof(item));
        var boxed = BoxedAnswer.Last(AnswerSection.Of(output));
        if (boxed is null) return new Grade(false, null, "no \\boxed{} answer found");
        return MathAnswer.Equivalent(boxed, reference)
            ? new Grade(true, boxed, "correct")
            : new Grade(false, boxed, $"'{boxed}' is not equivalent to '{reference}'");
    }
}
