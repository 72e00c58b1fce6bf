namespace Star1.Data.Deliberation;

/// <summary>
/// The prompt templates, relative to the repository root. A stage declares the files its request builder
/// lists (<c>Files</c> on each builder), so editing one template re-runs only the stages that read it.
/// </summary>
public static class PromptFiles
{
    public const string Classify = "prompts/classify.md";
    public const string Reason = "prompts/reason.md";
    public const string Score = "prompts/score.md";
    public const string Rewrite = "prompts/rewrite.md";
    public const string BenignReason = "prompts/benign_reason.md";
    public const string BenignScore = "prompts/benign_score.md";

    /// <summary>The eight policy files, in category order.</summary>
    public static IReadOnlyList<string> Policies { get; } = [.. SafetyCategories.All.Select(c => SafetyCategories.PolicyFiles[c])];

    /// <summary>Reads a repository-relative file from a checkout (for tools and tests; stages use their context's reader).</summary>
    public static Func<string, string> FromRepo(string repoRoot) =>
        relative => File.ReadAllText(Path.Combine(repoRoot, relative.Replace('/', Path.DirectorySeparatorChar)));
}
