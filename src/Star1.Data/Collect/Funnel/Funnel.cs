namespace Star1.Data.Collect.Funnel;

/// <summary>
/// The decontamination funnel of PAPER.md section 1: turns the loaded training sources into the deduplicated,
/// test-decontaminated question list, with statistics for every step.
/// </summary>
/// <remarks>
/// Same decisions as the original's dense implementation (checked against a dense reference in the tests), but
/// nothing quadratic is held in memory: n-grams go into hash sets, TF-IDF vectors into a sparse inverted index,
/// and embeddings are compared block by block.
/// </remarks>
public static class Funnel
{
    /// <summary>
    /// Runs the six steps. Sources are processed in the given order; steps 1-3 run per source, each source
    /// checked against the test sets plus every question kept (through step 3) from the sources before it.
    /// Steps 4-6 then run over all kept questions in that order, and the survivors are numbered 0..N-1.
    /// The embedder sees only the step-4 survivors and the test questions, in batches of
    /// <see cref="FunnelSettings.EmbeddingBatchSize"/>; wrap it in a <see cref="CachedEmbedder"/> to reuse
    /// vectors across runs.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid settings, duplicate source names, bad n, or null texts.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="ct"/> is cancelled.</exception>
    public static FunnelResult Run(
        IReadOnlyList<LoadedSource> sources,
        IReadOnlyList<LoadedTestSet> testSets,
        FunnelSettings settings,
        ISentenceEmbedder embedder,
        IProgress<FunnelProgress>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(testSets);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(embedder);
        settings.Validate();
        Validate(sources, testSets);
        return new FunnelRun(settings, embedder, progress, ct).Execute(sources, testSets);
    }

    private static void Validate(IReadOnlyList<LoadedSource> sources, IReadOnlyList<LoadedTestSet> testSets)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int s = 0; s < sources.Count; s++)
        {
            LoadedSource src = sources[s] ?? throw new ArgumentException($"Source {s} is null.", nameof(sources));
            if (string.IsNullOrWhiteSpace(src.Name)) throw new ArgumentException($"Source {s} has no name.", nameof(sources));
            if (!names.Add(src.Name))
                throw new ArgumentException($"Source name '{src.Name}' appears twice; names identify sources in the output and stats.", nameof(sources));
            if (src.SelfNgramN < 1)
                throw new ArgumentException($"Source '{src.Name}' has self n-gram n = {src.SelfNgramN}; it must be at least 1.", nameof(sources));
            if (src.Questions is null) throw new ArgumentException($"Source '{src.Name}' has no question list.", nameof(sources));
            for (int i = 0; i < src.Questions.Count; i++)
                if (src.Questions[i]?.Text is null)
                    throw new ArgumentException($"Source '{src.Name}' question {i} is null or has no text.", nameof(sources));
        }
        for (int t = 0; t < testSets.Count; t++)
        {
            LoadedTestSet set = testSets[t] ?? throw new ArgumentException($"Test set {t} is null.", nameof(testSets));
            if (set.Questions is null) throw new ArgumentException($"Test set '{set.Name}' has no question list.", nameof(testSets));
            for (int i = 0; i < set.Questions.Count; i++)
                if (set.Questions[i] is null)
                    throw new ArgumentException($"Test set '{set.Name}' question {i} is null.", nameof(testSets));
        }
    }
}
