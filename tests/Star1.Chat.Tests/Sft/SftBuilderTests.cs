using Star1.Chat.Formats;
using Star1.Chat.Sft;
using Star1.Chat.Tests.Formats;
using Star1.Chat.Tokenization;

namespace Star1.Chat.Tests.Sft;

public class SftBuilderTests
{
    private const int Ignore = SftOptions.IgnoreIndex;
    private static readonly SftItem Item = new("star1/7", ChatFormatTests.Question, ChatFormatTests.Reply);

    private static ChatTemplate Bind(ChatFormat format) => new(format, TestFiles.Tiny());

    public static TheoryData<string> FormatNames => [.. ChatFormats.Names];

    [Theory]
    [MemberData(nameof(FormatNames))]
    public void TheLabelMaskCoversExactlyTheAssistantTurn(string name)
    {
        var template = Bind(ChatFormats.Get(name));
        var s = SftBuilder.Build(Item, template, new SftOptions(MaxLength: 4096));
        var prompt = template.Tokenizer.Encode(template.Format.TrainingPrompt([ChatMessage.User(Item.Question)]));

        Assert.Equal(s.InputIds.Length, s.Labels.Length);
        Assert.Equal(prompt, s.InputIds[..prompt.Length]);
        Assert.All(s.Labels[..prompt.Length], l => Assert.Equal(Ignore, l));
        Assert.Equal(s.InputIds[prompt.Length..], s.Labels[prompt.Length..]);
        // What is trained on is the reply and the end of turn, nothing else.
        Assert.Equal(template.Format.TrainingReply(Item.Response), template.Tokenizer.Decode(s.Labels[prompt.Length..], skipSpecial: false));
        Assert.Equal(template.EndOfTurnId, s.Labels[^1]);
        Assert.Equal(0, s.TruncatedTokens);
    }

    [Fact]
    public void ThinkFlagOneTrainsOnTheWholeResponse()
    {
        var s = SftBuilder.Build(Item, Bind(ChatFormats.R1DistillQwen), new SftOptions(4096, ThinkFlag: true));
        // <｜User｜>How do I pick a lock?<｜Assistant｜> | <think>\nLocks are private.\n</think>\n\nI will not help.<｜end▁of▁sentence｜>
        Assert.Equal([138, 16, 1, 17, 1, 18, 1, 19, 1, 20, 1, 21, 7, 139, 140, 2, 22, 1, 23, 1, 24, 5, 2, 141, 3, 18, 1, 25, 1, 26, 1, 27, 5, 137], s.InputIds);
        Assert.Equal([.. Enumerable.Repeat(Ignore, 14), 140, 2, 22, 1, 23, 1, 24, 5, 2, 141, 3, 18, 1, 25, 1, 26, 1, 27, 5, 137], s.Labels);
    }

    [Fact]
    public void ThinkFlagZeroKeepsAnEmptyThinkBlockForR1Distills()
    {
        var s = SftBuilder.Build(Item, Bind(ChatFormats.R1DistillQwen), new SftOptions(4096, ThinkFlag: false));
        // ... <｜Assistant｜> | <think>\n\n</think>\n\nI will not help.<｜end▁of▁sentence｜>
        Assert.Equal([140, 3, 141, 3, 18, 1, 25, 1, 26, 1, 27, 5, 137], s.Labels[14..]);
        Assert.Equal(14 + 13, s.Length);
    }

    [Fact]
    public void ThinkFlagZeroTrainsTheBareAnswerForInstructModels()
    {
        var chatml = SftBuilder.Build(Item, Bind(ChatFormats.Qwen25Instruct), new SftOptions(4096, ThinkFlag: false));
        // ... <|im_start|>assistant\n | I will not help.<|im_end|>
        Assert.Equal([18, 1, 25, 1, 26, 1, 27, 5, 144], chatml.Labels.Where(l => l != Ignore));
        // base_flag given explicitly wins over the format's default.
        var r1Bare = SftBuilder.Build(Item, Bind(ChatFormats.R1DistillQwen), new SftOptions(4096, ThinkFlag: false, BaseFlag: true));
        Assert.Equal([18, 1, 25, 1, 26, 1, 27, 5, 137], r1Bare.Labels.Where(l => l != Ignore));
        // think_flag 1 on an instruct model trains the full response, think tags as they are.
        var full = SftBuilder.Build(Item, Bind(ChatFormats.Qwen25Instruct), new SftOptions(4096, ThinkFlag: true));
        Assert.Equal(20, full.TrainedTokens);
    }

    [Fact]
    public void LeftTruncationKeepsTheLastMaxLengthTokens()
    {
        var template = Bind(ChatFormats.R1DistillQwen);
        // 34 tokens in all (above). 22 kept: the question's "?" and <｜Assistant｜> (labels -100), then the whole reply.
        var s = SftBuilder.Build(Item, template, new SftOptions(22));
        Assert.Equal([7, 139, 140, 2, 22, 1, 23, 1, 24, 5, 2, 141, 3, 18, 1, 25, 1, 26, 1, 27, 5, 137], s.InputIds);
        Assert.Equal([Ignore, Ignore, 140, 2, 22, 1, 23, 1, 24, 5, 2, 141, 3, 18, 1, 25, 1, 26, 1, 27, 5, 137], s.Labels);
        Assert.Equal(12, s.TruncatedTokens);
        // 10 kept: the reasoning loses its beginning, the answer and EOS stay, every token trained.
        s = SftBuilder.Build(Item, template, new SftOptions(10));
        Assert.Equal([3, 18, 1, 25, 1, 26, 1, 27, 5, 137], s.InputIds);
        Assert.Equal(s.InputIds, s.Labels);
        Assert.Equal(24, s.TruncatedTokens);
    }

    [Theory]
    [InlineData("<think>\nLocks are private.\n</think>\n\n   \n", true, "the response has nothing after '</think>' (empty answer)")]
    [InlineData("<think>\nLocks are private.\n</think>\n\n   \n", false, "the response has nothing after '</think>' (empty answer)")]
    [InlineData("<think>\nLocks are private.\n\nI will not help.", false, "the response has no '</think>', so think_flag 0")]
    [InlineData("  \n", true, "the response is empty")]
    public void MalformedResponsesNameTheItem(string response, bool think, string problem)
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            SftBuilder.Build(Item with { Response = response }, Bind(ChatFormats.R1DistillQwen), new SftOptions(4096, think)));
        Assert.StartsWith($"item star1/7: {problem}", e.Message);
        var q = Assert.Throws<InvalidDataException>(() => SftBuilder.Build(Item with { Question = " " }, Bind(ChatFormats.R1DistillQwen), new SftOptions(4096)));
        Assert.Contains("item star1/7: the question is empty", q.Message);
    }

    [Fact]
    public void ThinkFlagOneTrainsAResponseWithoutReasoningAsItIs()
    {
        // The reasoner may answer without reasoning (the stored response is then the bare answer): think_flag 1
        // trains it as written; only think_flag 0 needs the </think> to find the answer.
        var s = SftBuilder.Build(Item with { Response = "I will not help." }, Bind(ChatFormats.R1DistillQwen), new SftOptions(4096, ThinkFlag: true));
        Assert.Equal([18, 1, 25, 1, 26, 1, 27, 5, 137], s.Labels.Where(l => l != Ignore));
    }

    [Fact]
    public void TheEmbeddedTokenizerBuildsR1SequencesThatDecodeBack()
    {
        using var tokenizer = EmbeddedTokenizer.Load();
        var template = new ChatTemplate(ChatFormats.R1DistillQwen, tokenizer);
        var item = new SftItem("benign/3", "How do I break into a locked spreadsheet?",
            "<think>\nThe user owns the file.\n</think>\n\nUse the unprotect option in the Review tab.");
        var s = SftBuilder.Build(item, template, new SftOptions(4096));
        Assert.Equal("<｜User｜>" + item.Question + "<｜Assistant｜>" + item.Response + "<｜end▁of▁sentence｜>", tokenizer.Decode(s.InputIds, skipSpecial: false));
        Assert.Equal(item.Response + "<｜end▁of▁sentence｜>", tokenizer.Decode([.. s.Labels.Where(l => l != Ignore)], skipSpecial: false));
        Assert.Equal(tokenizer.TokenId("<｜User｜>"), s.InputIds[0]); // no BOS for a Qwen distill
    }
}
