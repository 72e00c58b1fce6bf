namespace Star1.Data.Deliberation;

/// <summary>
/// The eight category policies, loaded from <see cref="PromptFiles.Policies"/> and checked: each file must
/// parse and carry the category its file name stands for, so a copy-paste slip (two files titled the same)
/// fails at load time instead of giving one category another's policy.
/// </summary>
public sealed class Policies
{
    /// <summary>What separates the policies of a multi-category question in the reasoning and scoring prompts.</summary>
    public const string Separator = "\n\n---\n\n";

    /// <summary>
    /// The policies text for a question with no real category ("Other"): it still goes through the same
    /// prompt, and the placeholder must not be empty, or the model would see a bare block.
    /// </summary>
    public const string NoPolicyText = "(No category policy applies: the question was classified as Other.)";

    private readonly Dictionary<string, Policy> _byCategory;

    public Policies(IEnumerable<Policy> policies)
    {
        _byCategory = new(StringComparer.Ordinal);
        foreach (var p in policies)
            if (!_byCategory.TryAdd(p.Category, p))
                throw new PolicyFormatException($"two policies for category '{p.Category}'");
        var missing = SafetyCategories.All.Where(c => !_byCategory.ContainsKey(c)).ToList();
        if (missing.Count > 0) throw new PolicyFormatException($"no policy for {string.Join("; ", missing)}");
    }

    /// <summary>Reads and checks the eight policy files through a reader of repository-relative paths.</summary>
    public static Policies Load(Func<string, string> read)
    {
        var list = new List<Policy>();
        foreach (var category in SafetyCategories.All)
        {
            var path = SafetyCategories.PolicyFiles[category];
            var policy = PolicyFile.Parse(path, read(path));
            if (policy.Category != category)
                throw new PolicyFormatException($"policy file {path}: titled '{policy.Category}', but this file holds the policy for '{category}'");
            list.Add(policy);
        }
        return new Policies(list);
    }

    public Policy this[string category] => _byCategory.TryGetValue(category, out var p)
        ? p : throw new KeyNotFoundException($"no policy for category '{category}'");

    /// <summary>All eight, in category order.</summary>
    public IEnumerable<Policy> All => SafetyCategories.All.Select(c => _byCategory[c]);

    /// <summary>The classification prompt's category list: one definition line per category.</summary>
    public string RenderDefinitions() => string.Join('\n', All.Select(p => p.RenderDefinition()));

    /// <summary>
    /// The policies of a question's categories, in the order given, joined by <see cref="Separator"/>. "Other"
    /// carries no policy and is skipped; a list with no real category gives <see cref="NoPolicyText"/>.
    /// </summary>
    public string RenderFor(IReadOnlyList<string> categories)
    {
        var real = categories.Where(SafetyCategories.IsCategory).Distinct(StringComparer.Ordinal).ToList();
        return real.Count == 0 ? NoPolicyText : string.Join(Separator, real.Select(c => this[c].Render()));
    }
}
