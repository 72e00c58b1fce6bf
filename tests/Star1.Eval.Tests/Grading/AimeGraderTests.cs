using Star1.Eval.Benchmarks;
using Star1.Eval.Grading;

namespace Star1.Eval.Tests.Grading;

public class AimeGraderTests
{
    private static readonly BenchmarkItem Item = new("aime-x", "prompt", "42");
    private readonly AimeGrader _grader = new();

    [Theory]
    [InlineData(@"The answer is $\boxed{42}$.")]
    [InlineData(@"\boxed{042}")]
    [InlineData(@"\boxed{ 4\,2 }")]
    [InlineData(@"\boxed{\text{42}}")]
    [InlineData(@"first \boxed{17}, but correcting: \boxed{42}")]
    public void ReadsTheIntegerInTheLastBox(string output)
    {
        var grade = _grader.Grade(Item, output);
        Assert.True(grade.Correct, grade.Reason);
    }

    [Fact]
    public void SeveralBoxesTheLastWins()
    {
        var grade = _grader.Grade(Item, @"\boxed{42} ... no wait, \boxed{24}");
        Assert.False(grade.Correct);
        Assert.Equal("24", grade.Extracted);
        Assert.Equal("expected 42, got 24", grade.Reason);
    }

    [Fact]
    public void ABoxInsideTheThinkBlockDoesNotCount()
    {
        var wrong = _grader.Grade(Item, @"<think>maybe \boxed{42}</think> The answer is \boxed{41}.");
        Assert.False(wrong.Correct);
        Assert.Equal("41", wrong.Extracted);

        var right = _grader.Grade(Item, @"<think>maybe \boxed{41}</think> So \boxed{42}.");
        Assert.True(right.Correct);
    }

    [Fact]
    public void NoAnswerSaysSo()
    {
        var grade = _grader.Grade(Item, "<think>\\boxed{42}</think> I could not finish.");
        Assert.False(grade.Correct);
        Assert.Null(grade.Extracted);
        Assert.Contains("no \\boxed{} answer", grade.Reason);
    }

    [Theory]
    [InlineData(@"\boxed{\frac{84}{2}}")]
    [InlineData(@"\boxed{42.5}")]
    [InlineData(@"\boxed{4, 2}")]
    public void ANonIntegerBoxIsWrong(string output)
    {
        var grade = _grader.Grade(Item, output);
        Assert.False(grade.Correct);
        Assert.Contains("not an integer", grade.Reason);
    }

    [Fact]
    public void ThousandsSeparatorsAndLeadingZerosParse()
    {
        Assert.Equal(1000, AimeGrader.ParseInteger("1,000"));
        Assert.Equal(7, AimeGrader.ParseInteger("007"));
        Assert.Equal(5, AimeGrader.ParseInteger("$5$"));
        Assert.Null(AimeGrader.ParseInteger("10,00"));
    }
}
