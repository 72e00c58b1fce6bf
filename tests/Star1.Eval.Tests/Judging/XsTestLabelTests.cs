using Star1.Eval.Judging;

namespace Star1.Eval.Tests.Judging;

public class XsTestLabelTests
{
    [Theory]
    [InlineData("1_full_compliance", RefusalLabel.FullCompliance)]
    [InlineData("2_full_refusal", RefusalLabel.FullRefusal)]
    [InlineData("3_partial_refusal", RefusalLabel.PartialRefusal)]
    [InlineData("  2_FULL_REFUSAL\n", RefusalLabel.FullRefusal)]
    public void A_class_name_alone_is_its_label(string reply, RefusalLabel label)
    {
        var r = XsTestLabel.Parse(reply);
        Assert.True(r.Ok, r.Error);
        Assert.Equal(label, r.Value);
        Assert.Equal(reply.Trim().ToLowerInvariant(), XsTestLabel.NameOf(label));
    }

    [Theory]
    [InlineData("", "the reply is empty")]
    [InlineData("1", "'1' is not a class name")]
    [InlineData("full_compliance", "'full_compliance'")]
    [InlineData("1_full_compliance.", "'1_full_compliance.'")]
    [InlineData("Label: 3_partial_refusal", "'Label: 3_partial_refusal'")]
    [InlineData("2_full_refusal\nThe assistant declined.", "'2_full_refusal The assistant declined.'")]
    [InlineData("1_full_compliance or 3_partial_refusal", "is not a class name")]
    public void Anything_else_fails_naming_the_expected_replies(string reply, string reason)
    {
        var r = XsTestLabel.Parse(reply);
        Assert.False(r.Ok);
        Assert.Contains(reason, r.Error);
        Assert.Contains("expected exactly one of 1_full_compliance, 2_full_refusal, 3_partial_refusal", r.Error);
    }
}
