using Star1.Data.Deliberation;

namespace Star1.Data.Tests.Deliberation;

public class PromptTemplateTests
{
    private static Dictionary<string, string> V(params (string K, string V)[] kv) => kv.ToDictionary(x => x.K, x => x.V);

    [Fact]
    public void Renders_every_placeholder_including_repeats()
    {
        var t = new PromptTemplate("t.md", "Q: {{question}}\nagain {{question}} / {{policies}}.");
        Assert.Equal(["question", "policies"], t.Placeholders);
        Assert.Equal("Q: a\nagain a / p.", t.Render(V(("question", "a"), ("policies", "p"))));
    }

    [Fact]
    public void Values_are_inserted_literally_and_never_expanded_again()
    {
        var t = new PromptTemplate("t.md", "<{{question}}>");
        Assert.Equal("<{{policies}} $1 \\n>", t.Render(V(("question", "{{policies}} $1 \\n"))));
    }

    [Fact]
    public void A_placeholder_without_a_value_is_an_error_naming_the_template_and_placeholder()
    {
        var t = new PromptTemplate("prompts/reason.md", "{{question}} {{policies}} {{extra}}");
        var e = Assert.Throws<PromptTemplateException>(() => t.Render(V(("question", "q"), ("policies", "p"))));
        Assert.Contains("prompts/reason.md", e.Message);
        Assert.Contains("{{extra}}", e.Message);
        Assert.Contains("no value", e.Message);
    }

    [Fact]
    public void A_value_the_template_does_not_use_is_an_error_naming_the_template_and_placeholder()
    {
        var t = new PromptTemplate("prompts/score.md", "{{question}}");
        var e = Assert.Throws<PromptTemplateException>(() => t.Render(V(("question", "q"), ("answer", "a"))));
        Assert.Contains("prompts/score.md", e.Message);
        Assert.Contains("{{answer}} is missing from the template", e.Message);
    }

    [Theory]
    [InlineData("{{ question }}")]
    [InlineData("{{Question}}")]
    [InlineData("{{question}")]
    [InlineData("text }} more")]
    [InlineData("{{}}")]
    public void Malformed_placeholders_are_rejected_with_the_line(string body)
    {
        var e = Assert.Throws<PromptTemplateException>(() => new PromptTemplate("x.md", "line one\n" + body));
        Assert.Contains("x.md: line 2", e.Message);
    }

    [Fact]
    public void Expect_checks_the_placeholder_set_at_load_time()
    {
        var t = new PromptTemplate("c.md", "{{question}}");
        Assert.Same(t, t.Expect("question"));
        Assert.Throws<PromptTemplateException>(() => t.Expect("question", "definitions"));
        Assert.Throws<PromptTemplateException>(() => new PromptTemplate("c.md", "{{question}} {{definitions}}").Expect("question"));
    }

    [Fact]
    public void Single_braces_such_as_json_examples_are_plain_text()
    {
        var t = new PromptTemplate("s.md", "{\"a\": 1} {{question}}");
        Assert.Equal("{\"a\": 1} q", t.Render(V(("question", "q"))));
    }
}
