namespace Star1.Data.Collect.Funnel;

/// <summary>One execution of <see cref="Funnel.Run"/>: the document pool and the six steps in order.</summary>
internal sealed class FunnelRun
{
    private readonly FunnelSettings _settings;
    private readonly ISentenceEmbedder _embedder;
    private readonly IProgress<FunnelProgress>? _progress;
    private readonly CancellationToken _ct;

    // Every question the run has seen (test questions first, then sources as they are processed), so that a
    // match can be reported by its pool id whatever list it came from.
    private readonly List<Doc> _pool = new();
    private readonly TermDictionary _terms = new();
    private FunnelStatsBuilder _stats = null!;

    public FunnelRun(FunnelSettings settings, ISentenceEmbedder embedder, IProgress<FunnelProgress>? progress, CancellationToken ct)
    {
        _settings = settings;
        _embedder = embedder;
        _progress = progress;
        _ct = ct;
    }

    public FunnelResult Execute(IReadOnlyList<LoadedSource> sources, IReadOnlyList<LoadedTestSet> testSets)
    {
        (List<int> kept, List<int> testIds) = ExecuteTextSteps(sources, testSets);
        kept = Embeddings(kept, testIds);

        var questions = new CollectedQuestion[kept.Count];
        for (int i = 0; i < kept.Count; i++) questions[i] = new CollectedQuestion(i, _pool[kept[i]].Text, _pool[kept[i]].Origin);
        var summaries = sources
            .Select(s => new SourceSummary(s.Name, s.Questions.Count, questions.Count(q => q.Source == s.Name)))
            .ToArray();
        int testCount = testIds.Count;
        return new FunnelResult(questions, _stats.Build(sources.Sum(s => s.Questions.Count), testCount, summaries));
    }

    /// <summary>
    /// Steps 1-4 (everything but the embeddings). Returns the pool ids kept after step 4, in order, and the
    /// pool ids of the test questions. Pool ids number the test questions first, then every source question
    /// in source and file order; <see cref="KeptByStep"/> holds the kept ids after each step.
    /// </summary>
    public (List<int> Kept, List<int> TestIds) ExecuteTextSteps(IReadOnlyList<LoadedSource> sources, IReadOnlyList<LoadedTestSet> testSets)
    {
        _stats = new FunnelStatsBuilder(sources.Select(s => s.Name).ToArray(), _settings.ExamplesPerStep);

        var testIds = new List<int>();
        foreach (LoadedTestSet set in testSets)
            foreach (string q in set.Questions) testIds.Add(AddDoc(q, set.Name, isTest: true));

        // The reference set of steps 2-3: test questions, then each source's survivors as they are decided.
        var reference = new List<int>(testIds);
        var referenceNgrams = new NgramIndex(_settings.TestNgramN, id => _pool[id].Normalized);
        foreach (int id in testIds) referenceNgrams.Add(id, _pool[id].Normalized);

        var kept = new List<int>();
        foreach (LoadedSource source in sources)
        {
            List<int> survivors = RunPerSourceSteps(source, reference, referenceNgrams);
            foreach (int id in survivors)
            {
                reference.Add(id);
                referenceNgrams.Add(id, _pool[id].Normalized);
            }
            kept.AddRange(survivors);
        }
        return (SelfTfidf(kept), testIds);
    }

    /// <summary>Kept pool ids after each step that has run (steps 1-3 concatenated over sources in order).</summary>
    public IReadOnlyDictionary<FunnelStep, List<int>> KeptByStep => _keptByStep;

    private readonly Dictionary<FunnelStep, List<int>> _keptByStep = new();

    private List<int> RunPerSourceSteps(LoadedSource source, List<int> reference, NgramIndex referenceNgrams)
    {
        List<int> raw = source.Questions.Select(q => AddDoc(q.Text, source.Name, isTest: false)).ToList();

        // Step 1: self n-gram dedup with the source's n (the match is an index into raw).
        List<int> afterSelf = Apply(FunnelStep.SelfNgram, source.Name, raw,
            p => NgramFilters.SelfDedup(raw.Select(i => _pool[i].Normalized).ToArray(), source.SelfNgramN, p, _ct),
            (m, dropped) => m.Found ? Example(dropped, raw[m.Owner], m.SharedNgram, null) : null);

        // Step 2: n-gram against the reference (the match is already a pool id).
        List<int> afterNgram = Apply(FunnelStep.ReferenceNgram, source.Name, afterSelf,
            p => NgramFilters.AgainstReference(afterSelf.Select(i => _pool[i].Normalized).ToArray(), referenceNgrams, p, _ct),
            (m, dropped) => m.Found ? Example(dropped, m.Owner, m.SharedNgram, null) : null);

        // Step 3: TF-IDF against the reference, fitted on the reference plus this source's remaining questions
        // (the questions that reach this step; the match is an index into reference).
        return Apply(FunnelStep.ReferenceTfidf, source.Name, afterNgram,
            p => TfidfFilters.AgainstReference(reference.Select(Bag).ToArray(), afterNgram.Select(Bag).ToArray(),
                _terms.Count, _settings.ReferenceTfidfThreshold, p, _ct),
            (m, dropped) => m.Found ? Example(dropped, reference[m.Doc], null, m.Score) : null);
    }

    private List<int> SelfTfidf(List<int> kept) =>
        Apply(FunnelStep.SelfTfidf, null, kept,
            p => TfidfFilters.GreedySelf(kept.Select(Bag).ToArray(), _terms.Count, _settings.SelfTfidfThreshold, p, _ct),
            (m, dropped) => m.Found ? Example(dropped, kept[m.Doc], null, m.Score) : null);

    private List<int> Embeddings(List<int> kept, List<int> testIds)
    {
        UnitVectors candidates = Embed(kept, "embedding kept questions");
        UnitVectors tests = Embed(testIds, "embedding test questions");

        // Step 5: greedy self filter over the kept questions.
        var rowOf = new Dictionary<int, int>(); // pool id -> row in candidates
        for (int r = 0; r < kept.Count; r++) rowOf[kept[r]] = r;
        List<int> afterSelf = Apply(FunnelStep.SelfEmbedding, null, kept,
            p => EmbeddingFilters.GreedySelf(candidates, _settings.SelfEmbeddingThreshold, p, _ct),
            (m, dropped) => m.Found ? Example(dropped, kept[m.Row], null, m.Score) : null);

        // Step 6: against the test questions, for the survivors of step 5 only.
        var remaining = new UnitVectors(candidates.Dimension, afterSelf.Count);
        foreach (int id in afterSelf) remaining.AddRowOf(candidates, rowOf[id]);
        if (tests.Count > 0 && remaining.Count > 0 && tests.Dimension != remaining.Dimension)
            throw new InvalidOperationException($"The embedder returned {remaining.Dimension}-d vectors for questions but {tests.Dimension}-d for test questions.");
        return Apply(FunnelStep.TestEmbedding, null, afterSelf,
            p => EmbeddingFilters.AgainstReference(remaining, tests, _settings.TestEmbeddingThreshold, p, _ct),
            (m, dropped) => m.Found ? Example(dropped, testIds[m.Row], null, m.Score) : null);
    }

    /// <summary>
    /// Runs one step over <paramref name="ids"/>: <paramref name="decide"/> gives one result per id, and
    /// <paramref name="drop"/> turns a result into a dropped example (or null to keep). Counts go to the
    /// stats under each question's own source. Returns the kept ids in order.
    /// </summary>
    private List<int> Apply<T>(FunnelStep step, string? source, List<int> ids,
        Func<Action<int>, T[]> decide, Func<T, int, DroppedExample?> drop)
    {
        _ct.ThrowIfCancellationRequested();
        foreach (var group in ids.GroupBy(i => _pool[i].Origin)) _stats.CountInput(step, group.Key, group.Count());
        string name = FunnelSteps.Title(step);
        int total = ids.Count;
        Report(step, name, source, 0, total);
        T[] results = decide(done => Report(step, name, source, done, total));
        if (results.Length != ids.Count) throw new InvalidOperationException($"Step {step} decided {results.Length} of {ids.Count} questions.");
        var keptIds = new List<int>(ids.Count);
        for (int i = 0; i < ids.Count; i++)
        {
            DroppedExample? example = drop(results[i], ids[i]);
            if (example is null) keptIds.Add(ids[i]);
            else _stats.CountDrop(step, _pool[ids[i]].Origin, example);
        }
        if (!_keptByStep.TryGetValue(step, out List<int>? log)) _keptByStep[step] = log = new List<int>();
        log.AddRange(keptIds);
        Report(step, name, source, total, total); // also for empty steps, where the filters report nothing
        return keptIds;
    }

    private UnitVectors Embed(List<int> ids, string what)
    {
        UnitVectors? vectors = null;
        int batch = _settings.EmbeddingBatchSize;
        for (int start = 0; start < ids.Count; start += batch)
        {
            _ct.ThrowIfCancellationRequested();
            Report(FunnelStep.SelfEmbedding, what, null, start, ids.Count);
            int len = Math.Min(batch, ids.Count - start);
            var texts = new string[len];
            for (int i = 0; i < len; i++) texts[i] = _pool[ids[start + i]].Text;
            float[][] raw = _embedder.Embed(texts);
            if (raw is null || raw.Length != len)
                throw new InvalidOperationException($"The embedder returned {raw?.Length ?? 0} vectors for {len} texts.");
            foreach (float[] v in raw)
            {
                if (v is null || v.Length == 0) throw new InvalidOperationException("The embedder returned an empty vector.");
                vectors ??= new UnitVectors(v.Length, ids.Count);
                if (v.Length != vectors.Dimension)
                    throw new InvalidOperationException($"The embedder returned vectors of different sizes ({vectors.Dimension} and {v.Length}).");
                vectors.Add(v);
            }
        }
        Report(FunnelStep.SelfEmbedding, what, null, ids.Count, ids.Count);
        return vectors ?? new UnitVectors(1, 1);
    }

    private DroppedExample Example(int droppedId, int matchedId, string? ngram, double? score)
    {
        Doc d = _pool[droppedId], m = _pool[matchedId];
        return new DroppedExample(d.Text, d.Origin, m.Text, m.Origin, m.IsTest, ngram, score);
    }

    private int AddDoc(string text, string origin, bool isTest)
    {
        _pool.Add(new Doc(text, origin, isTest));
        return _pool.Count - 1;
    }

    private TermBag Bag(int id) => _pool[id].Bag(_terms);

    private void Report(FunnelStep step, string name, string? source, int done, int total) =>
        _progress?.Report(new FunnelProgress(step, name, source, done, total));

    /// <summary>A question in the pool; its normalised text and term bag are computed once, on first use.</summary>
    private sealed class Doc(string text, string origin, bool isTest)
    {
        private string? _normalized;
        private TermBag? _bag;

        public string Text { get; } = text;
        public string Origin { get; } = origin;
        public bool IsTest { get; } = isTest;
        public string Normalized => _normalized ??= TextNormalizer.Normalize(Text);
        public TermBag Bag(TermDictionary terms) => _bag ??= terms.Bag(Text);
    }
}
