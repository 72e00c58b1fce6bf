using Star1.Eval.Benchmarks;

namespace Star1.Eval.Grading;

/// <summary>GPQA (A-D) and MMLU-Pro (A-J): the letter <see cref="ChoiceLetter"/> finds, against the reference letter.</summary>
public sealed class ChoiceGrader(int letters) : IGrader
{
    public int Letters { get; } = letters is >= 2 and <= 26 ? letters : throw new ArgumentOutOfRangeException(nameof(letters), letters, "2 to 26 options");

    public Grade Grade(BenchmarkItem item, string output)
    {
        ArgumentNullException.ThrowIfNull(item);
        var reference = item.Answer ?? throw new ArgumentException($"{item.Id}: no reference letter", nameof(item));
        var section = AnswerSection.Of(output);
        var range = $"A-{BenchmarkPrompts.Letter(Letters - 1)}";
        if (ChoiceLetter.Find(section, Letters) is not { } letter)
        {
            return ChoiceLetter.FindAnyDeclared(section) is { } outside && outside >= 'A' + Letters
                ? new Grade(false, outside.ToString(), $"answer letter {outside} is outside {range}")
                : new Grade(false, null, $"no answer letter {range} found");
        }
        var extracted = letter.ToString();
        return extracted == reference.Trim()
            ? new Grade(true, extracted, "correct")
            : new Grade(false, extracted, $"expected {reference.Trim()}, got {extracted}");
    }
}
