using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;

namespace Star1.Data.Tests.Deliberation;

public class CategoryParserTests
{
    [Theory]
    [InlineData("[\"Self-Harm\"]")]
    [InlineData("  [\"Self-Harm\"]\n")]
    [InlineData("```json\n[\"Self-Harm\"]\n```")]
    [InlineData("```JSON\n[\"Self-Harm\"]\n```")]
    [InlineData("```\n[\"Self-Harm\"]\n```")]
    [InlineData("Here are the categories:\n```json\n[\"Self-Harm\"]\n```\nHope this helps.")]
    [InlineData("```json\r\n[\"Self-Harm\"]\r\n```")]
    public void Accepts_a_list_bare_or_in_one_fence(string answer)
    {
        var r = CategoryParser.Parse(answer);
        Assert.True(r.Ok, r.Error);
        Assert.Equal(["Self-Harm"], r.Value!);
    }

    [Fact]
    public void Keeps_the_model_order_and_drops_repeats()
    {
        var r = CategoryParser.Parse("[\"Privacy / Personal Data\", \"Illicit / Criminal Behavior\", \"Privacy / Personal Data\"]");
        Assert.Equal([SafetyCategories.Privacy, SafetyCategories.Illicit], r.Value!);
    }

    [Fact]
    public void Other_alone_is_kept_and_Other_beside_real_categories_is_dropped()
    {
        Assert.Equal(["Other"], CategoryParser.Parse("[\"Other\"]").Value!);
        Assert.Equal([SafetyCategories.Sexual], CategoryParser.Parse("[\"Other\", \"Sexual / Adult\"]").Value!);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("[]", "the list of categories is empty")]
    [InlineData("[\"Self-harm\"]", "unknown category \"Self-harm\"")]
    [InlineData("[\"Hacking\", \"Spam\"]", "unknown categories \"Hacking\", \"Spam\"")]
    [InlineData("[\"Self-Harm\", 3]", "list item 1 is a number")]
    [InlineData("{\"category\": \"Self-Harm\"}", "found an object")]
    [InlineData("\"Self-Harm\"", "found a string")]
    [InlineData("['Self-Harm']", "not valid JSON")]
    [InlineData("[\"Self-Harm\",]", "not valid JSON")]
    [InlineData("The category is [\"Self-Harm\"]", "not valid JSON")]
    [InlineData("```json\n[\"Self-Harm\"]", "never closes")]
    [InlineData("```json\n[\"Other\"]\n```\n```json\n[\"Self-Harm\"]\n```", "2 fenced blocks")]
    [InlineData("```python\n[\"Self-Harm\"]\n```", "tagged 'python'")]
    [InlineData("```json\n\n```", "fenced block is empty")]
    [InlineData("```[\"Self-Harm\"]```", "not on a line of its own")]
    [InlineData("[\"Self-Harm\"] // done", "not valid JSON")]
    public void Rejects_malformed_answers_saying_why(string answer, string expected)
    {
        var r = CategoryParser.Parse(answer);
        Assert.False(r.Ok);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void Unknown_name_failure_lists_the_accepted_names()
    {
        var r = CategoryParser.Parse("[\"Weapons\"]");
        Assert.Contains("Intellectual Property", r.Error);
        Assert.Contains("or Other", r.Error);
    }
}
