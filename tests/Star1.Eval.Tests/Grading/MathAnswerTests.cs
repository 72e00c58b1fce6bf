using Star1.Eval.Grading;

namespace Star1.Eval.Tests.Grading;

public class MathAnswerTests
{
    [Theory]
    [InlineData(@"\frac{1}{2}", "0.5")]
    [InlineData(@"\dfrac{1}{2}", @"\frac12")]
    [InlineData(@"\tfrac{3}{4}", "3/4")]
    [InlineData(@"\left( 1, 2 \right)", "(1,2)")]
    [InlineData(@"10\%", "10")]
    [InlineData("1,000", "1000")]
    [InlineData(@"1{,}000{,}000", "1000000")]
    [InlineData(@"5 \text{ cm}", "5")]
    [InlineData(@"5\text{ cm}^2", "5")]
    [InlineData(@"90^\circ", "90")]
    [InlineData(@"90^{\circ}", "90")]
    [InlineData("90 degrees", "90")]
    [InlineData("x = 3", "3")]
    [InlineData("y = 2x+1", "2x + 1")]
    [InlineData("3.", "3")]
    [InlineData(@"\sqrt2", @"\sqrt{2}")]
    [InlineData(@"\frac{\sqrt{3}}{2}", @"\sqrt{3}/2")]
    [InlineData(@"\frac{\sqrt3}2", @"\dfrac{\sqrt{3}}{2}")]
    [InlineData(@"[0.5, 2)", @"[\frac{1}{2}, 2)")]
    [InlineData(@"(\frac12, -3)", "(0.5,-3)")]
    [InlineData(@"-\frac{1}{2}", @"\frac{-1}{2}")]
    [InlineData(@"\$18.90", "18.9")]
    [InlineData(@"\text{Monday}", "Monday")]
    [InlineData("2.50", @"\frac{5}{2}")]
    [InlineData("x^{2}+1", "x^2 + 1")]
    [InlineData(@"\displaystyle\frac{7}{8}", "0.875")]
    [InlineData(@"12\pi", @"12 \pi")]
    [InlineData(@"$\frac{3}{4}$", "0.75")]
    [InlineData(@"3\sqrt{2}", @"3\sqrt2")]
    [InlineData(@"\left[ -2, \infty \right)", @"[-2,\infty)")]
    [InlineData("{5}", "5")]
    [InlineData(@"2\!\cdot\!3", @"2 \cdot 3")]
    [InlineData(@"\pi/2", @"\frac{\pi}{2}")]
    [InlineData(@"3\sqrt{2}/2", @"\frac{3\sqrt2}{2}")]
    [InlineData(@"x \in [1, 2]", "[1,2]")]
    [InlineData("2, -3", "-3, 2")]
    [InlineData(@"\frac12, 4", "4, 0.5")]
    public void EquivalentSpellingsMatch(string answer, string reference)
    {
        Assert.True(MathAnswer.Equivalent(answer, reference), $"'{answer}' ~ '{reference}' (normalised '{MathAnswer.Normalize(answer)}' vs '{MathAnswer.Normalize(reference)}')");
        Assert.True(MathAnswer.Equivalent(reference, answer), "equivalence must be symmetric");
    }

    [Theory]
    [InlineData(@"\frac{1}{3}", "0.333")]
    [InlineData("(1,2)", "[1,2]")]
    [InlineData("(1,2)", "(2,1)")]
    [InlineData(@"\sqrt{2}", @"\sqrt{3}")]
    [InlineData("2", "-2")]
    [InlineData("1,000", "100")]
    [InlineData("x^2", "x^3")]
    [InlineData(@"\frac{1}{2}", @"\frac{2}{1}")]
    [InlineData("(1, 2, 3)", "(1, 2)")]
    [InlineData("1+1/2", @"\frac{1+1}{2}")]
    [InlineData(@"12\pi", "12")]
    [InlineData(@"5 \text{ cm}", "6")]
    [InlineData("x^2-1", "(x-1)(x+1)")]
    [InlineData(@"\frac{1}{0}", "0")]
    [InlineData("2, -3", "2, 3")]
    [InlineData("2, 2", "2, 3")]
    [InlineData("1, 2", "(1, 2)")]
    [InlineData(@"\pi/2", @"\frac{2}{\pi}")]
    public void DifferentAnswersDoNotMatch(string answer, string reference)
    {
        Assert.False(MathAnswer.Equivalent(answer, reference), $"'{answer}' !~ '{reference}'");
        Assert.False(MathAnswer.Equivalent(reference, answer));
    }

    [Theory]
    [InlineData(@"\dfrac12", @"\frac{1}{2}")]
    [InlineData(@"\left(\frac 1 2\right)", @"(\frac{1}{2})")]
    [InlineData(@"x = \sqrt3.", @"\sqrt{3}")]
    [InlineData(@"3/4", @"\frac{3}{4}")]
    [InlineData(@"-3/4", @"-\frac{3}{4}")]
    public void NormalizeGivesOneSpelling(string input, string expected) =>
        Assert.Equal(expected, MathAnswer.Normalize(input));
}
