namespace Star1.Data.Collect.Funnel;

/// <summary>Accumulates per-step, per-source counts and capped example lists while the funnel runs.</summary>
internal sealed class FunnelStatsBuilder
{
    private readonly int _examplesPerStep;
    private readonly IReadOnlyList<string> _sources;
    private readonly Dictionary<(FunnelStep, string), Counts> _counts = new();

    public FunnelStatsBuilder(IReadOnlyList<string> sourceNames, int examplesPerStep)
    {
        _sources = sourceNames;
        _examplesPerStep = examplesPerStep;
    }

    public void CountInput(FunnelStep step, string source, int n) => Get(step, source).Input += n;

    public void CountDrop(FunnelStep step, string source, DroppedExample example)
    {
        Counts c = Get(step, source);
        c.Dropped++;
        if (c.Examples.Count < _examplesPerStep) c.Examples.Add(example);
    }

    public FunnelStats Build(int raw, int tests, IReadOnlyList<SourceSummary> summaries)
    {
        var steps = new List<StepStats>();
        foreach (FunnelStep step in FunnelSteps.All)
        {
            var perSource = new List<SourceStepCounts>();
            foreach (string s in _sources)
            {
                Counts c = Get(step, s);
                perSource.Add(new SourceStepCounts(s, c.Input, c.Input - c.Dropped, c.Dropped, c.Examples.ToArray()));
            }
            int input = perSource.Sum(p => p.Input), dropped = perSource.Sum(p => p.Dropped);
            // Step examples: round-robin over sources, so one large source does not crowd out the others.
            var examples = new List<DroppedExample>();
            int deepest = perSource.Count == 0 ? 0 : perSource.Max(p => p.Examples.Count);
            for (int k = 0; k < deepest && examples.Count < _examplesPerStep; k++)
                foreach (SourceStepCounts p in perSource)
                    if (k < p.Examples.Count && examples.Count < _examplesPerStep) examples.Add(p.Examples[k]);
            steps.Add(new StepStats(step, FunnelSteps.Title(step), input, input - dropped, dropped, perSource, examples));
        }
        return new FunnelStats(raw, tests, summaries.Sum(s => s.Collected), summaries, steps);
    }

    private Counts Get(FunnelStep step, string source)
    {
        if (!_counts.TryGetValue((step, source), out Counts? c)) _counts[(step, source)] = c = new Counts();
        return c;
    }

    private sealed class Counts
    {
        public int Input;
        public int Dropped;
        public readonly List<DroppedExample> Examples = new();
    }
}
