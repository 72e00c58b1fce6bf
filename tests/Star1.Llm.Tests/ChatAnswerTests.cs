namespace Star1.Llm.Tests;

public class ChatAnswerTests
{
    [Fact]
    public void Inline_and_separate_reasoning_are_stored_the_same_way()
    {
        var (reasoning, content) = ChatAnswer.SplitInlineThinking("<think>\nweigh the policy\n</think>\n\nI can't help with that.");
        var inline = new ChatAnswer { Content = content, Reasoning = reasoning, FinishReason = "stop" };
        var separate = new ChatAnswer { Content = "I can't help with that.", Reasoning = "weigh the policy", FinishReason = "stop" };
        Assert.Equal("<think>\nweigh the policy\n</think>\n\nI can't help with that.", separate.StoredText);
        Assert.Equal(separate.StoredText, inline.StoredText);
    }

    [Fact]
    public void Text_without_a_think_block_is_all_answer()
    {
        Assert.Equal((null, "plain"), ChatAnswer.SplitInlineThinking("plain"));
        Assert.Equal((null, "<think> never closed"), ChatAnswer.SplitInlineThinking("<think> never closed"));
    }

    [Fact]
    public void The_split_applies_only_to_an_answer_without_separate_reasoning()
    {
        var inline = new ChatAnswer { Content = "<think>\nplan\n</think>\n\nanswer", FinishReason = "stop" }.WithInlineThinkingSplit();
        Assert.Equal(("plan", "answer"), (inline.Reasoning, inline.Content));
        // Reasoning that came separately is kept as sent, even when the content happens to start with a tag.
        var separate = new ChatAnswer { Content = "<think>x</think> y", Reasoning = "r", FinishReason = "stop" };
        Assert.Same(separate, separate.WithInlineThinkingSplit());
    }
}
