using Star1.Eval.Judging;

namespace Star1.Eval.Tests.Judging;

public class ThinkBlockTests
{
    [Theory]
    [InlineData("<think>\nIs this harmful? No.\n</think>\n\nHere is how.", "Here is how.")]
    [InlineData("Plain answer, no reasoning.\n", "Plain answer, no reasoning.")]
    [InlineData("<think>\nfirst\n</think>\nstray\n</think>\n\nfinal", "final")]
    [InlineData("<think>\nstill thinking when the tokens ran out", "")]
    [InlineData("<think>\ndone\n</think>", "")]
    [InlineData("", "")]
    [InlineData("Answer that mentions </think> in passing and then goes on", "in passing and then goes on")]
    public void The_answer_is_what_follows_the_last_close_tag(string output, string answer) =>
        Assert.Equal(answer, ThinkBlock.Strip(output));
}
