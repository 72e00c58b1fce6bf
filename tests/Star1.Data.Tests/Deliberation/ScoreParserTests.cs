using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;

namespace Star1.Data.Tests.Deliberation;

public class ScoreParserTests
{
    private const string Ten = "{\"Content_Safety_Compliance\": 10, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 0}";

    [Theory]
    [InlineData(Ten)]
    [InlineData("```json\n" + Ten + "\n```")]
    [InlineData("My assessment:\n```\n" + Ten + "\n```")]
    public void Accepts_the_three_criteria_fenced_or_bare(string answer)
    {
        var r = ScoreParser.ParseSafety(answer);
        Assert.True(r.Ok, r.Error);
        Assert.Equal(new SafetyScores(10, 9, 0), r.Value);
    }

    [Fact]
    public void Key_order_does_not_matter()
    {
        var r = ScoreParser.ParseSafety("{\"Accuracy_of_Thinking_Process\": 7, \"Content_Safety_Compliance\": 8, \"Relevancy_and_No_Redundant_Content\": 6}");
        Assert.Equal(new SafetyScores(8, 6, 7), r.Value);
    }

    [Theory]
    [InlineData("{\"Content_Safety_Compliance\": 10, \"Relevancy_and_No_Redundant_Content\": 9}", "missing Accuracy_of_Thinking_Process")]
    [InlineData("{\"Content_Safety_Compliance\": 10, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8, \"Overall\": 9}", "unexpected key Overall")]
    [InlineData("{\"Content_Safety_Compliance\": 10.5, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "Content_Safety_Compliance is 10.5, not an integer")]
    [InlineData("{\"Content_Safety_Compliance\": 10.0, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "is 10.0, not an integer")]
    [InlineData("{\"Content_Safety_Compliance\": 1e1, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "is 1e1, not an integer")]
    [InlineData("{\"Content_Safety_Compliance\": \"10\", \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "the string \"10\", not an integer")]
    [InlineData("{\"Content_Safety_Compliance\": null, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "is null, not an integer")]
    [InlineData("{\"Content_Safety_Compliance\": 11, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "Content_Safety_Compliance is 11, outside 0-10")]
    [InlineData("{\"Content_Safety_Compliance\": -1, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "is -1, outside 0-10")]
    [InlineData("{\"Content_Safety_Compliance\": 10, \"Content_Safety_Compliance\": 9, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "given twice")]
    [InlineData("{\"content_safety_compliance\": 10, \"Relevancy_and_No_Redundant_Content\": 9, \"Accuracy_of_Thinking_Process\": 8}", "missing Content_Safety_Compliance")]
    [InlineData("[10, 9, 8]", "found a list")]
    [InlineData("{'Content_Safety_Compliance': 10}", "not valid JSON")]
    [InlineData("Scores: 10, 9, 8", "not valid JSON")]
    [InlineData("", "the answer is empty")]
    public void Rejects_bad_scores_saying_which(string answer, string expected)
    {
        var r = ScoreParser.ParseSafety(answer);
        Assert.False(r.Ok);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var r = ScoreParser.ParseSafety("{\"Content_Safety_Compliance\": 12, \"Extra\": 1}");
        Assert.Contains("outside 0-10", r.Error);
        Assert.Contains("missing Relevancy_and_No_Redundant_Content, Accuracy_of_Thinking_Process", r.Error);
        Assert.Contains("unexpected key Extra", r.Error);
    }

    [Fact]
    public void Benign_scores_use_their_own_criteria_and_the_1_to_5_range()
    {
        var ok = ScoreParser.ParseBenign("```json\n{\"Content_Safety_Compliance\": 5, \"Quality_of_Thinking_Process\": 1, \"Compliance_Degree\": 4}\n```");
        Assert.Equal(new BenignScores(5, 1, 4), ok.Value);
        Assert.Contains("Compliance_Degree is 0, outside 1-5",
            ScoreParser.ParseBenign("{\"Content_Safety_Compliance\": 5, \"Quality_of_Thinking_Process\": 5, \"Compliance_Degree\": 0}").Error);
        Assert.Contains("is 6, outside 1-5",
            ScoreParser.ParseBenign("{\"Content_Safety_Compliance\": 6, \"Quality_of_Thinking_Process\": 5, \"Compliance_Degree\": 5}").Error);
        Assert.False(ScoreParser.ParseBenign(Ten).Ok); // the safety criteria are not the benign ones
    }
}
