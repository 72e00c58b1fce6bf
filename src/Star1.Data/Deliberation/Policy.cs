using System.Text;

namespace Star1.Data.Deliberation;

/// <summary>One numbered rule of a policy: 1 refuse, 2 safe-complete, 3 redirect.</summary>
public sealed record PolicyRule(int Number, string Kind, string Text)
{
    /// <summary>The three rule kinds, in the order every policy file lists them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["Refuse", "Safe-complete", "Redirect"];
}

/// <summary>A category's definition (what the classifier sees) and policy (what the reasoner and scorer see).</summary>
public sealed record Policy(string Category, string Definition, string Objective, IReadOnlyList<PolicyRule> Rules)
{
    /// <summary>The heading each rendered policy starts with; the reasoner and scorer prompts carry one per category.</summary>
    public const string HeadingPrefix = "### Policy: ";

    /// <summary>
    /// The policy as the reasoning and scoring prompts show it: a heading with the category name, the objective,
    /// then the rules numbered so the model can cite them as "category, rule N".
    /// </summary>
    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append(HeadingPrefix).Append(Category).Append('\n');
        sb.Append("Objective: ").Append(Objective).Append('\n');
        sb.Append("Rules:");
        foreach (var rule in Rules) sb.Append('\n').Append(rule.Number).Append(". ").Append(rule.Kind).Append(": ").Append(rule.Text);
        return sb.ToString();
    }

    /// <summary>The definition line of the classification prompt: <c>- Name: definition</c>.</summary>
    public string RenderDefinition() => $"- {Category}: {Definition}";
}
