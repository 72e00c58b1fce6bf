using Star1.Eval.Benchmarks;

namespace Star1.Eval.Grading;

/// <summary>The verdict on one answer.</summary>
/// <param name="Correct">Whether the extracted answer matches the reference.</param>
/// <param name="Extracted">What was read from the output as the answer; null when nothing was found.</param>
/// <param name="Reason">Why, in words: shown next to failing items in reports.</param>
public sealed record Grade(bool Correct, string? Extracted, string Reason);

/// <summary>Grades one model output against one item's reference answer, by rule (no model, no code run).</summary>
public interface IGrader
{
    Grade Grade(BenchmarkItem item, string output);
}
