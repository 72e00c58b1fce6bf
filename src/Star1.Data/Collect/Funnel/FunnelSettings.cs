namespace Star1.Data.Collect.Funnel;

/// <summary>The funnel's knobs; the defaults are the paper's (PAPER.md section 1).</summary>
public sealed record FunnelSettings
{
    /// <summary>n of the n-gram check against the reference set (step 2).</summary>
    public int TestNgramN { get; init; } = 8;

    /// <summary>Step 3: drop a question whose TF-IDF cosine with a reference question is at least this.</summary>
    public double ReferenceTfidfThreshold { get; init; } = 0.6;

    /// <summary>Step 4: greedy self TF-IDF threshold.</summary>
    public double SelfTfidfThreshold { get; init; } = 0.6;

    /// <summary>Step 5: greedy self embedding-cosine threshold.</summary>
    public double SelfEmbeddingThreshold { get; init; } = 0.7;

    /// <summary>Step 6: drop a question whose embedding cosine with a test question is at least this.</summary>
    public double TestEmbeddingThreshold { get; init; } = 0.7;

    /// <summary>Dropped examples kept in the stats per step and source (0 for none).</summary>
    public int ExamplesPerStep { get; init; } = 3;

    /// <summary>Texts per embedder call; progress is reported after each call.</summary>
    public int EmbeddingBatchSize { get; init; } = 256;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (TestNgramN < 1) throw new ArgumentException($"TestNgramN must be at least 1 (got {TestNgramN}).");
        // Thresholds must be positive: the sparse index only ever looks at pairs that share a term or a
        // direction, which is exact only if a pair with cosine 0 can never reach the threshold.
        CheckThreshold(nameof(ReferenceTfidfThreshold), ReferenceTfidfThreshold);
        CheckThreshold(nameof(SelfTfidfThreshold), SelfTfidfThreshold);
        CheckThreshold(nameof(SelfEmbeddingThreshold), SelfEmbeddingThreshold);
        CheckThreshold(nameof(TestEmbeddingThreshold), TestEmbeddingThreshold);
        if (ExamplesPerStep < 0) throw new ArgumentException($"ExamplesPerStep must not be negative (got {ExamplesPerStep}).");
        if (EmbeddingBatchSize < 1) throw new ArgumentException($"EmbeddingBatchSize must be at least 1 (got {EmbeddingBatchSize}).");
    }

    private static void CheckThreshold(string name, double value)
    {
        if (!(value > 0 && value <= 1))
            throw new ArgumentException($"{name} must be in (0, 1] (got {value}).");
    }
}

/// <summary>
/// Progress of a funnel run: which step (and source, for the per-source steps 1-3), and how many of that
/// step's items are done. Totals restart with each step and source; the caller derives rates and ETAs.
/// </summary>
public sealed record FunnelProgress(FunnelStep Step, string StepName, string? Source, int Done, int Total);

/// <summary>The funnel's output: the numbered survivors and the per-step statistics.</summary>
public sealed record FunnelResult(IReadOnlyList<CollectedQuestion> Questions, FunnelStats Stats);
