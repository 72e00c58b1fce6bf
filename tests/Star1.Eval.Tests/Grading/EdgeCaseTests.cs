using Star1.Eval.Benchmarks;
using Star1.Eval.Grading;

namespace Star1.Eval.Tests.Grading;

/// <summary>Boundaries and malformed input: unclosed groups, text ending mid-command, argument checks.</summary>
public class EdgeCaseTests
{
    private static readonly BenchmarkItem Letter = new("q", "p", "B");

    [Theory]
    [InlineData(@"x \boxed")]
    [InlineData(@"x \boxed   ")]
    [InlineData(@"\boxed{x\}")]
    [InlineData(@"\boxed{\")]
    [InlineData(@"\boxed $")]
    public void UnfinishedBoxesAreNotAnswers(string text) => Assert.Null(BoxedAnswer.Last(text));

    [Theory]
    [InlineData(@"\boxed{3} then \boxed $", "3")]
    [InlineData(@"\boxed{\{1\}}", @"\{1\}")]
    [InlineData(@"\boxed 42 more", "42")]
    [InlineData(@"$\boxed 7$", "7")]
    [InlineData(@"\fbox{1} \boxed{2} \fbox{3}", "3")]
    [InlineData(@"\boxed{\}}", @"\}")]
    public void BoxContents(string text, string expected) => Assert.Equal(expected, BoxedAnswer.Last(text));

    [Fact]
    public void AThinkEndAtTheStartLeavesTheRest() => Assert.Equal("x", AnswerSection.Of("</think>x"));

    [Theory]
    [InlineData(@"\frac1", @"\frac1")]
    [InlineData(@"\frac", @"\frac")]
    [InlineData(@"\frac{1", @"\frac{1")]
    [InlineData(@"\fraction", @"\fraction")]
    [InlineData(@"\sqrtx", @"\sqrtx")]
    [InlineData(@"\sqrt", @"\sqrt")]
    [InlineData(@"\sqrt[3]8", @"\sqrt[3]{8}")]
    [InlineData(@"\sqrt[3", @"\sqrt[3")]
    [InlineData(@"\sqrt[3]", @"\sqrt[3]")]
    [InlineData(@"\frac\pi2", @"\frac{\pi}{2}")]
    [InlineData(@"\sqrt\alpha", @"\sqrt{\alpha}")]
    [InlineData("{1", "{1")]
    [InlineData("{}", "")]
    [InlineData("", "")]
    [InlineData("10%", "10")]
    public void NormalizeCopesWithUnfinishedLatex(string input, string expected) => Assert.Equal(expected, MathAnswer.Normalize(input));

    [Theory]
    [InlineData(@"\frac{1}{0.5}", "2")]
    [InlineData(".5", @"\frac12")]
    [InlineData(@"(\frac12, ((1, 2)))", "(0.5,((1,2)))")]
    [InlineData("10%", "10")]
    public void MoreEquivalences(string a, string b) => Assert.True(MathAnswer.Equivalent(a, b), $"{a} ~ {b}");

    [Theory]
    [InlineData("1, 2", "1, 2, 3")]
    [InlineData(@"(\frac12, ((1, 2)))", "(0.5,((1,3)))")]
    [InlineData("(1,2]]", "(1,2]")]
    [InlineData("$$", "0")]
    public void MoreDifferences(string a, string b) => Assert.False(MathAnswer.Equivalent(a, b), $"{a} !~ {b}");

    [Fact]
    public void NullArgumentsAreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => AnswerSection.Of(null!));
        Assert.Throws<ArgumentNullException>(() => BoxedAnswer.Last(null!));
        Assert.Throws<ArgumentNullException>(() => ChoiceLetter.Find(null!, 4));
        Assert.Throws<ArgumentNullException>(() => ChoiceLetter.FindAnyDeclared(null!));
        Assert.Throws<ArgumentNullException>(() => MathAnswer.Equivalent(null!, "1"));
        Assert.Throws<ArgumentNullException>(() => MathAnswer.Equivalent("1", null!));
        Assert.Throws<ArgumentNullException>(() => Graders.For(null!));
        Assert.Throws<ArgumentNullException>(() => new AimeGrader().Grade(null!, ""));
        Assert.Throws<ArgumentNullException>(() => new MathGrader().Grade(null!, ""));
        Assert.Throws<ArgumentNullException>(() => new ChoiceGrader(4).Grade(null!, ""));
    }

    [Fact]
    public void ItemsWithoutAUsableReferenceAreRefusedNamingTheItem()
    {
        Assert.Contains("item-7", Assert.Throws<ArgumentException>(() => new AimeGrader().Grade(new BenchmarkItem("item-7", "p", "seven"), "")).Message);
        Assert.Contains("item-8", Assert.Throws<ArgumentException>(() => new AimeGrader().Grade(new BenchmarkItem("item-8", "p"), "")).Message);
        Assert.Contains("item-9", Assert.Throws<ArgumentException>(() => new MathGrader().Grade(new BenchmarkItem("item-9", "p"), "")).Message);
        Assert.Contains("item-10", Assert.Throws<ArgumentException>(() => new ChoiceGrader(4).Grade(new BenchmarkItem("item-10", "p"), "")).Message);
        Assert.Contains("humaneval", Assert.Throws<ArgumentException>(() => Graders.For(BenchmarkCatalog.Get("humaneval"))).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(27)]
    public void ChoiceGraderNeedsTwoToTwentySixOptions(int letters) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChoiceGrader(letters));

    [Fact]
    public void ChoiceBoundaries()
    {
        Assert.Equal(2, new ChoiceGrader(2).Letters);
        Assert.Equal(26, new ChoiceGrader(26).Letters);
        Assert.Throws<ArgumentOutOfRangeException>(() => ChoiceLetter.Find("A", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChoiceLetter.Find("A", 27));
        Assert.Equal('A', ChoiceLetter.Find("A", 1));
        Assert.Equal('Z', ChoiceLetter.Find("Answer: Z", 26));
        // E is the first letter past A-D.
        Assert.Equal("answer letter E is outside A-D", new ChoiceGrader(4).Grade(Letter, "Answer: E").Reason);
    }

    [Fact]
    public void ReasonsAreWorded()
    {
        Assert.Equal(new Grade(true, "B", "correct"), new ChoiceGrader(4).Grade(Letter, "Answer: B"));
        Assert.Equal(new Grade(true, "42", "correct"), new AimeGrader().Grade(new BenchmarkItem("a", "p", "42"), @"\boxed{42}"));
        var math = new BenchmarkItem("m", "p", "3");
        Assert.Equal(new Grade(true, "3.0", "correct"), new MathGrader().Grade(math, @"\boxed{3.0}"));
        Assert.Equal(new Grade(false, "4", "'4' is not equivalent to '3'"), new MathGrader().Grade(math, @"\boxed{4}"));
        Assert.Equal(new Grade(false, null, "no \\boxed{} answer found"), new MathGrader().Grade(math, "3"));
    }

    [Theory]
    [InlineData(@"4\!2", 42)]
    [InlineData(@"1\ 000", 1000)]
    [InlineData("1{,}000", 1000)]
    [InlineData(@"\mathbf{12}", 12)]
    public void AimeTypesettingIsTolerated(string boxed, int expected) => Assert.Equal(expected, AimeGrader.ParseInteger(boxed));
}
