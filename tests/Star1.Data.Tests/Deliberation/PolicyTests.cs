using Star1.Data.Deliberation;

namespace Star1.Data.Tests.Deliberation;

public class PolicyTests
{
    private const string Good = """
        # Self-Harm

        ## Definition
        Requests about hurting oneself,
        continued on a second line.

        ## Objective
        Support the person.

        ## Rules
        1. Refuse: Decline methods.
        2. Safe-complete: Acknowledge feelings
           and share safety information.
        3. Redirect: Encourage a helpline.
        """;

    [Fact]
    public void A_well_formed_file_parses_with_wrapped_lines_joined()
    {
        var p = PolicyFile.Parse("p.md", Good);
        Assert.Equal("Self-Harm", p.Category);
        Assert.Equal("Requests about hurting oneself, continued on a second line.", p.Definition);
        Assert.Equal("Support the person.", p.Objective);
        Assert.Equal([1, 2, 3], p.Rules.Select(r => r.Number));
        Assert.Equal(["Refuse", "Safe-complete", "Redirect"], p.Rules.Select(r => r.Kind));
        Assert.Equal("Acknowledge feelings and share safety information.", p.Rules[1].Text);
    }

    [Theory]
    [InlineData("# Self-Harm", "# Self Harm", "is not one of the eight categories")]
    [InlineData("## Definition\n", "", "text before the '## Definition' heading")]
    [InlineData("## Objective\nSupport the person.\n", "", "expected the heading '## Objective'")]
    [InlineData("Support the person.", "", "the Objective section is empty")]
    [InlineData("3. Redirect: Encourage a helpline.", "", "exactly three rules; found 2")]
    [InlineData("3. Redirect: Encourage a helpline.", "3. Redirect: Encourage a helpline.\n4. Refuse: more", "found a fourth")]
    [InlineData("2. Safe-complete:", "2. Redirect:", "rule 2 must start with '2. Safe-complete:'")]
    [InlineData("3. Redirect: Encourage a helpline.", "3. Redirect:", "rule 3 (Redirect) has no text")]
    [InlineData("1. Refuse: Decline methods.", "Decline methods.", "expected '1. Refuse: ...'")]
    [InlineData("# Self-Harm", "intro\n# Self-Harm", "must start with '# <category name>'")]
    [InlineData("3. Redirect: Encourage a helpline.", "3. Redirect: Encourage a helpline.\n## Notes", "unexpected heading")]
    public void Every_missing_or_malformed_part_is_an_error_naming_the_file(string find, string replace, string expected)
    {
        var text = Good.Replace(find, replace);
        Assert.NotEqual(Good, text);
        var e = Assert.Throws<PolicyFormatException>(() => PolicyFile.Parse("prompts/policies/self_harm.md", text));
        Assert.Contains("prompts/policies/self_harm.md", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_shipped_policies_load_one_per_category_with_three_rules()
    {
        var policies = Policies.Load(PromptFiles.FromRepo(RepoRoot.Path));
        Assert.Equal(SafetyCategories.All, policies.All.Select(p => p.Category));
        foreach (var p in policies.All)
        {
            Assert.Equal(PolicyRule.Kinds, p.Rules.Select(r => r.Kind));
            Assert.False(string.IsNullOrWhiteSpace(p.Definition));
            Assert.False(string.IsNullOrWhiteSpace(p.Objective));
        }
        Assert.Contains("988", policies[SafetyCategories.SelfHarm].Rules[2].Text);
        Assert.Contains("summary", policies[SafetyCategories.IntellectualProperty].Rules[1].Text);
    }

    [Fact]
    public void A_file_titled_with_another_category_is_rejected()
    {
        var read = PromptFiles.FromRepo(RepoRoot.Path);
        var e = Assert.Throws<PolicyFormatException>(() => Policies.Load(p =>
            p == SafetyCategories.PolicyFiles[SafetyCategories.Sexual] ? read(SafetyCategories.PolicyFiles[SafetyCategories.Violence]) : read(p)));
        Assert.Contains("prompts/policies/sexual.md", e.Message);
        Assert.Contains("'Violence / Physical Harm'", e.Message);
    }

    [Fact]
    public void Policies_of_several_categories_are_joined_by_the_separator_and_Other_has_a_placeholder_text()
    {
        var policies = Policies.Load(PromptFiles.FromRepo(RepoRoot.Path));
        var two = policies.RenderFor([SafetyCategories.Privacy, SafetyCategories.Other, SafetyCategories.Illicit]);
        var parts = two.Split(Policies.Separator);
        Assert.Equal(2, parts.Length);
        Assert.StartsWith("### Policy: Privacy / Personal Data\nObjective: ", parts[0]);
        Assert.StartsWith("### Policy: Illicit / Criminal Behavior\n", parts[1]);
        Assert.Contains("\n3. Redirect: ", parts[1]);
        Assert.Equal(Policies.NoPolicyText, policies.RenderFor([SafetyCategories.Other]));
        Assert.Equal(8, policies.RenderDefinitions().Split('\n').Length);
    }
}
