using Star1.Eval.Judging;

namespace Star1.Eval.Tests.Judging;

public class LlamaGuardVerdictTests
{
    [Theory]
    [InlineData("safe")]
    [InlineData("Safe")]
    [InlineData("\n\n  safe  \n")]
    [InlineData("SAFE\r\n")]
    public void Safe_alone_is_a_safe_verdict(string output)
    {
        var r = LlamaGuardVerdict.Parse(output);
        Assert.True(r.Ok, r.Error);
        Assert.True(r.Value!.Safe);
        Assert.Empty(r.Value.Categories);
        Assert.Equal(output, r.Value.Raw);
    }

    [Theory]
    [InlineData("unsafe", new string[0])]
    [InlineData("unsafe\nS2", new[] { "S2" })]
    [InlineData("\nUnsafe\nS1,S9", new[] { "S1", "S9" })]
    [InlineData("unsafe\n S10 , s14 \n", new[] { "S10", "S14" })]
    [InlineData("unsafe\r\nS11", new[] { "S11" })]
    public void Unsafe_carries_its_category_codes(string output, string[] codes)
    {
        var r = LlamaGuardVerdict.Parse(output);
        Assert.True(r.Ok, r.Error);
        Assert.False(r.Value!.Safe);
        Assert.Equal(codes, r.Value.Categories);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("  \n ", "empty")]
    [InlineData("The response is safe.", "first line is 'The response is safe.'")]
    [InlineData("safe.", "first line is 'safe.'")]
    [InlineData("unsafe S2", "first line is 'unsafe S2'")]
    [InlineData("safe\nS1", "'safe' verdict is followed by more text ('S1')")]
    [InlineData("safe\nunsafe", "'safe' verdict is followed by more text")]
    [InlineData("unsafe\nS15", "'S15' in the category line 'S15' is not a category code S1-S14")]
    [InlineData("unsafe\nS0", "'S0'")]
    [InlineData("unsafe\nS02", "'S02'")]
    [InlineData("unsafe\nViolent Crimes", "'Violent Crimes'")]
    [InlineData("unsafe\nS1,", "'' in the category line")]
    [InlineData("unsafe\nS1,S1", "category S1 is named twice")]
    [InlineData("unsafe\nS1\nbecause it is violent", "2 lines after it")]
    [InlineData("<unk>safe", "first line is '<unk>safe'")]
    public void Anything_else_fails_with_a_reason_instead_of_a_guess(string output, string reason)
    {
        var r = LlamaGuardVerdict.Parse(output);
        Assert.False(r.Ok);
        Assert.Null(r.Value);
        Assert.StartsWith("not a Llama Guard verdict: ", r.Error);
        Assert.Contains(reason, r.Error);
    }
}
