using Star1.Eval.Grading;

namespace Star1.Eval.Tests.Grading;

public class BoxedAnswerTests
{
    [Theory]
    [InlineData(@"so \boxed{\frac{1}{2}} it is", @"\frac{1}{2}")]
    [InlineData(@"\boxed{1} then again \boxed{2}", "2")]
    [InlineData(@"\boxed{\left\{1,2\right\}}", @"\left\{1,2\right\}")]
    [InlineData(@"$\boxed 42$", "42")]
    [InlineData(@"\fbox{7}", "7")]
    [InlineData(@"\boxed{3} and a broken \boxed{4", "3")]
    public void TakesTheLastBalancedBox(string text, string expected) => Assert.Equal(expected, BoxedAnswer.Last(text));

    [Theory]
    [InlineData("The answer is 5.")]
    [InlineData(@"\boxed{unclosed")]
    [InlineData(@"\boxedsomething{5}")]
    public void NoBoxIsNull(string text) => Assert.Null(BoxedAnswer.Last(text));

    [Fact]
    public void AnswerSectionIsWhatFollowsTheLastThinkEnd()
    {
        Assert.Equal(" final", AnswerSection.Of("<think>a</think> mid </think> final"));
        Assert.Equal("no tags at all", AnswerSection.Of("no tags at all"));
    }
}
