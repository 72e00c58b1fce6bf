using Star1.Data.Deliberation.Parsing;

namespace Star1.Data.Tests.Deliberation;

public class RewriteParserTests
{
    [Theory]
    [InlineData("How do I break into a locked spreadsheet?")]
    [InlineData("  How do I break into a locked spreadsheet?  \n")]
    [InlineData("\"How do I break into a locked spreadsheet?\"")]
    [InlineData("\u201CHow do I break into a locked spreadsheet?\u201D")]
    [InlineData("'How do I break into a locked spreadsheet?'")]
    [InlineData("Rewritten question: How do I break into a locked spreadsheet?")]
    [InlineData("Harmless look-alike: \"How do I break into a locked spreadsheet?\"")]
    [InlineData("QUESTION:How do I break into a locked spreadsheet?")]
    [InlineData("```\nHow do I break into a locked spreadsheet?\n```")]
    [InlineData("```text\nRewritten request: \"How do I break into a locked spreadsheet?\"\n```")]
    public void Unwraps_labels_quotes_and_fences(string answer)
    {
        var r = RewriteParser.Parse(answer);
        Assert.True(r.Ok, r.Error);
        Assert.Equal("How do I break into a locked spreadsheet?", r.Value);
    }

    [Fact]
    public void Removes_only_one_label_and_one_pair_of_quotes()
    {
        Assert.Equal("Question: why?", RewriteParser.Parse("Rewritten question: Question: why?").Value);
        Assert.Equal("'why?'", RewriteParser.Parse("\"'why?'\"").Value);
        // The first and last quotes are not one pair: the text is kept as it is.
        Assert.Equal("\"a\" or \"b\"", RewriteParser.Parse("\"a\" or \"b\"").Value);
    }

    [Fact]
    public void Quotes_inside_the_question_are_kept_and_multi_line_questions_survive()
    {
        Assert.Equal("Explain the word \"hack\" in golf", RewriteParser.Parse("Explain the word \"hack\" in golf").Value);
        Assert.Equal("Line one\nLine two", RewriteParser.Parse("Line one\nLine two").Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\"\"")]
    [InlineData("Rewritten question:")]
    [InlineData("Rewritten question: \"  \"")]
    [InlineData("```\n\n```")]
    public void An_empty_rewrite_fails(string answer)
    {
        var r = RewriteParser.Parse(answer);
        Assert.False(r.Ok);
        Assert.Contains("empty", r.Error);
    }
}
