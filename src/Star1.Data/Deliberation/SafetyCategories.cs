namespace Star1.Data.Deliberation;

/// <summary>
/// The eight safety categories of the paper (section 2.2), spelled exactly as the classifier must answer them,
/// plus "Other" for questions that fall under none. The order is the paper's and fixes the order of the
/// policy files, of the definitions in the classification prompt and of distribution tables.
/// </summary>
public static class SafetyCategories
{
    public const string Harassment = "Harassment / Hate / Discrimination";
    public const string Sexual = "Sexual / Adult";
    public const string Violence = "Violence / Physical Harm";
    public const string SelfHarm = "Self-Harm";
    public const string Illicit = "Illicit / Criminal Behavior";
    public const string Misinformation = "Misinformation / Disinformation";
    public const string Privacy = "Privacy / Personal Data";
    public const string IntellectualProperty = "Intellectual Property";

    /// <summary>The label for questions outside all eight categories.</summary>
    public const string Other = "Other";

    /// <summary>The eight categories, in the paper's order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Harassment, Sexual, Violence, SelfHarm, Illicit, Misinformation, Privacy, IntellectualProperty];

    /// <summary>Each category's policy file, relative to the repository root (forward slashes, as stages declare them).</summary>
    public static IReadOnlyDictionary<string, string> PolicyFiles { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Harassment] = "prompts/policies/harassment.md",
        [Sexual] = "prompts/policies/sexual.md",
        [Violence] = "prompts/policies/violence.md",
        [SelfHarm] = "prompts/policies/self_harm.md",
        [Illicit] = "prompts/policies/illicit.md",
        [Misinformation] = "prompts/policies/misinformation.md",
        [Privacy] = "prompts/policies/privacy.md",
        [IntellectualProperty] = "prompts/policies/intellectual_property.md",
    };

    public static bool IsCategory(string name) => PolicyFiles.ContainsKey(name);

    /// <summary>True when a category list carries no real category (only "Other", or nothing).</summary>
    public static bool IsOtherOnly(IReadOnlyList<string> categories) => !categories.Any(IsCategory);
}
