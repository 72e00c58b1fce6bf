using Star1.Data.Collect.Sources;

namespace Star1.Eval.Benchmarks;

/// <summary>
/// The paper's ten benchmarks (PAPER.md section 6), their settings, and how to load them from the demo
/// sets or the paper's files.
/// </summary>
public static class BenchmarkCatalog
{
    /// <summary>Where the demo sets live, relative to the repository root.</summary>
    public const string DemoFolder = "data/demo-eval";

    // Safety generation: greedy, top_p 1, 8,000 tokens. Reasoning: greedy, top_p 0.95, per-set budgets.
    private const double SafetyTopP = 1.0, ReasoningTopP = 0.95;

    /// <summary>In Table 1's column order: the four safety sets, XSTest, then the five reasoning sets.</summary>
    public static IReadOnlyList<BenchmarkSpec> All { get; } =
    [
        new("strongreject", "StrongREJECT", BenchmarkKind.Safety, 8000, 0, SafetyTopP, 313),
        new("jbb", "JBB", BenchmarkKind.Safety, 8000, 0, SafetyTopP, 100),
        new("wildchat", "WildChat", BenchmarkKind.Safety, 8000, 0, SafetyTopP, 370),
        new("wildjailbreak", "WildJailbreak", BenchmarkKind.Safety, 8000, 0, SafetyTopP, 250),
        new("xstest", "XSTest", BenchmarkKind.OverRefusal, 8000, 0, SafetyTopP, 250),
        new("aime2024", "AIME", BenchmarkKind.Reasoning, 16384, 0, ReasoningTopP, 30),
        new("math500", "MATH-500", BenchmarkKind.Reasoning, 16384, 0, ReasoningTopP, 500),
        new("gpqa_diamond", "GPQA", BenchmarkKind.Reasoning, 32768, 0, ReasoningTopP, 198, AnswerLetters: 4),
        new("humaneval", "HumanEval", BenchmarkKind.Reasoning, 16384, 0, ReasoningTopP, 164),
        // The test split has 12,032 questions (PAPER.md's 12,102 counts the 70 validation ones too).
        new("mmlu_pro", "MMLU-Pro", BenchmarkKind.Reasoning, 4096, 0, ReasoningTopP, 12032, AnswerLetters: 10),
    ];

    /// <summary>The spec named <paramref name="name"/> (a params.yaml key such as <c>gpqa_diamond</c>).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static BenchmarkSpec Get(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException(UnknownName(name), nameof(name));

    internal static string UnknownName(string name) =>
        $"unknown benchmark '{name}'; known benchmarks are: {string.Join(", ", All.Select(s => s.Name))}";

    /// <summary>
    /// The items of one benchmark. Demo: the shipped file. Paper: the mirror's files, downloaded first when
    /// <see cref="BenchmarkOptions.Download"/> is set; otherwise missing files fail at once with Collect's
    /// <see cref="MissingSourceFilesException"/>, listing each with its expected path and URL.
    /// </summary>
    public static IReadOnlyList<BenchmarkItem> Load(string name, BenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bench = Get(name);
        if (options.Corpus == BenchmarkCorpus.Demo) return DemoBenchmarkLoader.Load(bench, options.RepoRoot);
        if (options.Download) EnsureFilesAsync([name], options).GetAwaiter().GetResult();
        else ThrowIfMissing([name], options);
        return PaperBenchmarkLoader.Load(bench, options);
    }

    /// <summary>
    /// Pre-flight, touching no network: the paper files of <paramref name="names"/> not in the mirror, per
    /// benchmark source (empty for the demo corpus, whose files ship with the repository).
    /// </summary>
    public static IReadOnlyList<MissingSource> MissingFiles(IEnumerable<string> names, BenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var specs = names.Select(n => { Get(n); return BenchmarkSources.For(n); }).ToList();
        if (options.Corpus == BenchmarkCorpus.Demo) return [];
        return SourceFetcher.FindMissing(specs, options.MirrorDir);
    }

    /// <summary>Throws one exception listing every missing file of every named benchmark, if any is missing.</summary>
    public static void ThrowIfMissing(IEnumerable<string> names, BenchmarkOptions options)
    {
        var missing = MissingFiles(names, options);
        if (missing.Count > 0)
            throw new MissingSourceFilesException(missing, "needed by the evaluation; nothing was downloaded");
    }

    /// <summary>
    /// Downloads the missing paper files of <paramref name="names"/> with Collect's resumable, checked
    /// downloader; without <see cref="BenchmarkOptions.Download"/> nothing is fetched and missing files fail
    /// as in <see cref="ThrowIfMissing"/>.
    /// </summary>
    public static async Task EnsureFilesAsync(IEnumerable<string> names, BenchmarkOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var list = names.ToList();
        if (options.Corpus == BenchmarkCorpus.Demo) return;
        if (!options.Download)
        {
            ThrowIfMissing(list, options);
            return;
        }
        var specs = list.Select(n => { Get(n); return BenchmarkSources.For(n); }).ToList();
        using var fetcher = new SourceFetcher(options.MirrorDir, options.Fetch ?? FetchOptions.FromEnvironment(online: true, options.Log));
        await fetcher.EnsureAsync(specs, ct);
    }
}
