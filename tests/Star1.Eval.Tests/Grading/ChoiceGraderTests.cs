using Star1.Eval.Benchmarks;
using Star1.Eval.Grading;

namespace Star1.Eval.Tests.Grading;

public class ChoiceGraderTests
{
    private static BenchmarkItem Item(string answer) => new("q", "prompt", answer);

    [Theory]
    [InlineData("Reasoning...\nAnswer: C", 'C')]
    [InlineData("So the answer is (B).", 'B')]
    [InlineData("The correct answer is option D.", 'D')]
    [InlineData("Final answer: **A**", 'A')]
    [InlineData("I pick **C** here.", 'C')]
    [InlineData("After all that,\n(B)\n", 'B')]
    [InlineData("D", 'D')]
    [InlineData("Answer: A", 'A')]
    [InlineData("Answer: B because the others fail.", 'B')]
    [InlineData("Answer: (A) because the others fail.", 'A')]
    [InlineData("The answer is **A** since it fits.", 'A')]
    [InlineData(@"So the choice is $\boxed{B}$.", 'B')]
    [InlineData(@"\boxed{\text{(C)}}", 'C')]
    public void FindsTheDeclaredLetter(string text, char expected) => Assert.Equal(expected, ChoiceLetter.Find(text, 4));

    [Theory]
    [InlineData("A good approach is to compare the energies.")]
    [InlineData("Answer: A good approach would be to compare them.")]
    [InlineData("Answer: I think the question is ambiguous.")]
    [InlineData("The answer is Both of them.")]
    [InlineData("I cannot decide between the options.")]
    [InlineData("")]
    [InlineData(@"\boxed{AB}")]
    public void LettersInProseAreNotAnswers(string text) => Assert.Null(ChoiceLetter.Find(text, 4));

    [Fact]
    public void TheLastDeclarationWins()
    {
        Assert.Equal('D', ChoiceLetter.Find("Answer: B\nWait, that is wrong.\nAnswer: D", 4));
        // An explicit declaration beats a bold letter or a lone line met later.
        Assert.Equal('B', ChoiceLetter.Find("Answer: B\n**C** was tempting\nA", 4));
    }

    [Fact]
    public void OutOfRangeLettersAreNotAnswers()
    {
        Assert.Null(ChoiceLetter.Find("Answer: F", 4));
        Assert.Equal('F', ChoiceLetter.Find("Answer: F", 10));
        Assert.Null(ChoiceLetter.Find("Answer: K", 10));
        // An in-range earlier declaration is still found when the last one is out of range.
        Assert.Equal('B', ChoiceLetter.Find("Answer: B ... Answer: E", 4));
    }

    [Fact]
    public void GradeExplainsAnOutOfRangeLetter()
    {
        var grade = new ChoiceGrader(4).Grade(Item("A"), "Answer: G");
        Assert.False(grade.Correct);
        Assert.Equal("G", grade.Extracted);
        Assert.Equal("answer letter G is outside A-D", grade.Reason);
    }

    [Fact]
    public void ProseIsNotReportedAsAnOutOfRangeLetter()
    {
        var grade = new ChoiceGrader(4).Grade(Item("A"), "Answer: I think none of them fits.");
        Assert.Null(grade.Extracted);
        Assert.Equal("no answer letter A-D found", grade.Reason);
        Assert.Equal('E', ChoiceLetter.FindAnyDeclared("Answer: E. Answer: I think so."));
    }

    [Fact]
    public void GradeSaysWhenNoLetterIsFound()
    {
        var grade = new ChoiceGrader(10).Grade(Item("J"), "A good approach is needed.");
        Assert.False(grade.Correct);
        Assert.Null(grade.Extracted);
        Assert.Equal("no answer letter A-J found", grade.Reason);
    }

    [Fact]
    public void TheThinkBlockIsIgnored()
    {
        var grader = new ChoiceGrader(4);
        var grade = grader.Grade(Item("C"), "<think>Answer: C seems likely</think>\nAnswer: A");
        Assert.False(grade.Correct);
        Assert.Equal("A", grade.Extracted);
        Assert.Equal("expected C, got A", grade.Reason);
        Assert.True(grader.Grade(Item("C"), "<think>Answer: A?</think>Answer: C").Correct);
    }

    [Fact]
    public void GradersAreChosenPerBenchmark()
    {
        Assert.IsType<AimeGrader>(Graders.For(BenchmarkCatalog.Get("aime2024")));
        Assert.IsType<MathGrader>(Graders.For(BenchmarkCatalog.Get("math500")));
        Assert.Equal(4, Assert.IsType<ChoiceGrader>(Graders.For(BenchmarkCatalog.Get("gpqa_diamond"))).Letters);
        Assert.Equal(10, Assert.IsType<ChoiceGrader>(Graders.For(BenchmarkCatalog.Get("mmlu_pro"))).Letters);
        Assert.Throws<ArgumentException>(() => Graders.For(BenchmarkCatalog.Get("humaneval")));
        Assert.Throws<ArgumentException>(() => Graders.For(BenchmarkCatalog.Get("strongreject")));
    }

    [Fact]
    public void MathGraderUsesEquivalence()
    {
        var item = new BenchmarkItem("m", "p", @"\frac{1}{2}");
        var grader = new MathGrader();
        Assert.True(grader.Grade(item, @"<think>\boxed{3}</think>so $\boxed{0.5}$").Correct);
        var wrong = grader.Grade(item, @"\boxed{\frac{1}{2}} hmm, no: \boxed{\frac{1}{3}}");
        Assert.False(wrong.Correct);
        Assert.Equal(@"\frac{1}{3}", wrong.Extracted);
        Assert.Contains("no \\boxed{}", grader.Grade(item, "one half").Reason);
    }
}
