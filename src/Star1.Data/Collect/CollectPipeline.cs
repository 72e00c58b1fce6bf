using Star1.Data.Collect.Funnel;
using Star1.Data.Collect.Sources;

namespace Star1.Data.Collect;

/// <summary>What the Collect stage needs: the sources, where their files are, and the funnel's settings.</summary>
public sealed record CollectRequest
{
    /// <summary>Training sources in the paper's order (the order matters: each is filtered against those before it).</summary>
    public required IReadOnlyList<SourceSpec> Training { get; init; }
    public required IReadOnlyList<SourceSpec> Tests { get; init; }
    public required string MirrorDir { get; init; }
    public bool Download { get; init; }
    public required FunnelSettings Funnel { get; init; }
    public required SourceCache Cache { get; init; }
    public Action<string> Log { get; init; } = _ => { };
    public IProgress<FunnelProgress>? Progress { get; init; }
}

/// <summary>One source's load, for the statistics: where every row went before the funnel.</summary>
public sealed record SourceLoadReport(string Source, string Role, int Rows, int Questions, int LostAsHeader, int FilteredOut, int NotSampled, int EmptyQuestion);

public sealed record CollectOutcome(FunnelResult Funnel, IReadOnlyList<SourceLoadReport> Loads);

/// <summary>
/// Paper section 2.1 end to end: check (or download) every file before any work, load each source through
/// its cache, then run the funnel.
/// </summary>
public static class CollectPipeline
{
    public static async Task<CollectOutcome> RunAsync(CollectRequest request, ISentenceEmbedder embedder, CancellationToken ct = default)
    {
        var all = request.Training.Concat(request.Tests).ToList();
        var duplicate = all.GroupBy(s => (s.Name, s.Role)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"source '{duplicate.Key.Name}' is declared twice");

        if (request.Download)
        {
            using var fetcher = new SourceFetcher(request.MirrorDir, FetchOptions.FromEnvironment(online: true, request.Log));
            await fetcher.EnsureAsync(all, ct);
        }
        else
        {
            SourceFetcher.ThrowIfMissing(all, request.MirrorDir);
        }

        var loads = new List<SourceLoadReport>();
        var training = new List<LoadedSource>();
        var tests = new List<LoadedTestSet>();
        foreach (var spec in all)
        {
            ct.ThrowIfCancellationRequested();
            var result = request.Cache.GetOrLoad(spec, request.MirrorDir);
            var c = result.Counts;
            loads.Add(new SourceLoadReport(spec.Name, spec.Role.ToString().ToLowerInvariant(), c.Rows, result.Questions.Count, c.LostAsHeader, c.FilteredOut, c.NotSampled, c.EmptyQuestion));
            if (spec.Role == SourceRole.Training) training.Add(new LoadedSource(spec.Name, spec.SelfNgramN, result.Questions));
            else tests.Add(new LoadedTestSet(spec.Name, [.. result.Questions.Select(q => q.Text)]));
            request.Log($"loaded {spec.Name}: {result.Questions.Count} questions from {c.Rows} rows");
        }

        var funnel = Star1.Data.Collect.Funnel.Funnel.Run(training, tests, request.Funnel, embedder, request.Progress, ct);
        return new CollectOutcome(funnel, loads);
    }
}
