using Star1.Data.Collect.Sources;

namespace Star1.Eval.Benchmarks;

/// <summary>Which data a benchmark is read from.</summary>
public enum BenchmarkCorpus
{
    /// <summary>The small hand-written sets under <c>data/demo-eval</c>, shipped with the repository (offline).</summary>
    Demo,
    /// <summary>The paper's files, read from the mirror (downloaded into it when allowed).</summary>
    Paper,
}

/// <summary>
/// How <see cref="BenchmarkCatalog.Load"/> finds and shapes a benchmark. Relative paths are resolved
/// against <see cref="RepoRoot"/>, as every other stage resolves params.yaml paths.
/// </summary>
public sealed record BenchmarkOptions
{
    public required string RepoRoot { get; init; }

    public BenchmarkCorpus Corpus { get; init; } = BenchmarkCorpus.Demo;

    /// <summary>The mirror folder (params.yaml <c>collect.mirror</c>), one folder per source, shared with Collect.</summary>
    public string Mirror { get; init; } = "data/mirror";

    /// <summary>Seed of the GPQA option shuffle: item i is shuffled with NumPy's <c>default_rng(seed + i)</c>.</summary>
    public ulong GpqaSeed { get; init; } = 46;

    /// <summary>MMLU-Pro: how many test questions to keep (0 = all 12,032), picked with <see cref="MmluProSeed"/>.</summary>
    public int MmluProSample { get; init; }

    public ulong MmluProSeed { get; init; } = 46;

    /// <summary>Download missing paper files into the mirror (HF_TOKEN for gated sets); false: fail listing them.</summary>
    public bool Download { get; init; }

    /// <summary>How downloads are made when <see cref="Download"/> is set: base URLs, retries, the token.
    /// Null: <see cref="FetchOptions.FromEnvironment"/> (HF_TOKEN from the environment, the real hosts).</summary>
    public FetchOptions? Fetch { get; init; }

    /// <summary>Download progress lines (never contain the token).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The mirror as an absolute path.</summary>
    public string MirrorDir => Path.GetFullPath(Path.Combine(RepoRoot, Mirror));

    /// <summary>Parses params.yaml's <c>corpus</c> value.</summary>
    public static BenchmarkCorpus ParseCorpus(string value) => value switch
    {
        "demo" => BenchmarkCorpus.Demo,
        "paper" => BenchmarkCorpus.Paper,
        _ => throw new ArgumentException($"unknown corpus '{value}'; expected demo or paper", nameof(value)),
    };
}
