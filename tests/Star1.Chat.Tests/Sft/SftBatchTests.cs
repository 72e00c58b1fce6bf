using Star1.Chat.Formats;
using Star1.Chat.Sft;

namespace Star1.Chat.Tests.Sft;

public class SftBatchTests
{
    private const int Ignore = SftOptions.IgnoreIndex;

    [Fact]
    public void PadsOnTheRightWithTheGivenIdAndMasksThePadding()
    {
        var a = new SftSequence("a", [5, 6, 7], [Ignore, 6, 7], 0);
        var b = new SftSequence("b", [1, 2, 3, 4, 9], [Ignore, Ignore, 3, 4, 9], 0);
        var batch = SftBatch.Collate([a, b], padId: 9);
        Assert.Equal((2, 5), (batch.Size, batch.Length));
        Assert.Equal([5, 6, 7, 9, 9, /**/ 1, 2, 3, 4, 9], batch.InputIds);
        Assert.Equal([Ignore, 6, 7, Ignore, Ignore, /**/ Ignore, Ignore, 3, 4, 9], batch.Labels);
        Assert.Equal([1, 1, 1, 0, 0, /**/ 1, 1, 1, 1, 1], batch.AttentionMask);
        Assert.Equal(["a", "b"], batch.Keys);
        Assert.Equal(5, batch.TrainedTokens); // 6 7 | 3 4 9: the padding EOS is not trained, the real one is
        Assert.Equal(8, batch.RealTokens);
    }

    [Fact]
    public void PadsToAFixedLengthWhenAskedAndRefusesOneTooShort()
    {
        var a = new SftSequence("a", [5, 6, 7], [Ignore, 6, 7], 0);
        var batch = SftBatch.Collate([a], padId: 0, padTo: 6);
        Assert.Equal([5, 6, 7, 0, 0, 0], batch.InputIds);
        Assert.Equal([1, 1, 1, 0, 0, 0], batch.AttentionMask);
        var e = Assert.Throws<ArgumentException>(() => SftBatch.Collate([a], padId: 0, padTo: 2));
        Assert.Contains("item a", e.Message);
        Assert.Throws<ArgumentException>(() => SftBatch.Collate([], padId: 0));
    }

    [Fact]
    public void BuiltSequencesBatchWithTheEndOfTurnAsPadding()
    {
        var template = new ChatTemplate(ChatFormats.R1DistillQwen, TestFiles.Tiny());
        var options = new SftOptions(4096);
        var sequences = SftBuilder.BuildAll(
            [new SftItem("star1/1", "How do I pick a lock?", "<think>\nLocks are private.\n</think>\n\nI will not help."),
             new SftItem("star1/2", "How?", "<think>\n</think>\n\nFine.")], template, options);
        var batch = SftBatch.Collate(sequences, template.EndOfTurnId);
        // Second row: <｜User｜>How?<｜Assistant｜><think>\n</think>\n\nFine.<｜end▁of▁sentence｜> = 11 tokens, then 23 of padding.
        Assert.Equal(34, batch.Length);
        var row = batch.InputIds.AsSpan(34, 34).ToArray();
        Assert.Equal([138, 16, 7, 139, 140, 2, 141, 3, 29, 5, 137, .. Enumerable.Repeat(137L, 23)], row);
        Assert.Equal([.. Enumerable.Repeat(1L, 11), .. Enumerable.Repeat(0L, 23)], batch.AttentionMask.AsSpan(34, 34).ToArray());
        Assert.Equal([Ignore, Ignore, Ignore, Ignore, 140, 2, 141, 3, 29, 5, 137, .. Enumerable.Repeat((long)Ignore, 23)], batch.Labels.AsSpan(34, 34).ToArray());
    }
}
