using Star1.Data.Collect;
using Star1.Data.Collect.Funnel;
using Xunit.Abstractions;

namespace Star1.Data.Tests.Funnel;

/// <summary>
/// The production funnel (sparse index, hashed n-grams, blocked embedding scans) must make exactly the same
/// keep/drop decisions as <see cref="DenseReferenceFunnel"/>, the original's dense way of doing it.
/// </summary>
public sealed class DenseEquivalenceTests(ITestOutputHelper output)
{
    [Fact]
    public void SyntheticCorpus_ProductionMatchesDenseReference_AndEveryStepDrops()
    {
        var (sources, tests) = SyntheticCorpus.Generate(trainingQuestions: 2400, testQuestions: 300, sourceCount: 4, vocabulary: 800, seed: 7);
        var embedder = new HashingEmbedder(dimension: 128);
        // Unlimited examples: the stats then list every dropped question, which is what we compare.
        var settings = new FunnelSettings { ExamplesPerStep = int.MaxValue };

        var sw = System.Diagnostics.Stopwatch.StartNew();
        FunnelResult production = Collect.Funnel.Funnel.Run(sources, tests, settings, embedder);
        output.WriteLine($"production {sw.ElapsedMilliseconds} ms");
        sw.Restart();
        DenseReferenceFunnel.Result dense = DenseReferenceFunnel.Run(sources, tests, settings, embedder);
        output.WriteLine($"dense {sw.ElapsedMilliseconds} ms");
        output.WriteLine(production.Stats.ToTable());

        AssertSameDecisions(production, dense);
        foreach (StepStats step in production.Stats.Steps)
            Assert.True(step.Dropped > 0, $"step {step.Title} dropped nothing; the corpus no longer exercises it");
    }

    internal static void AssertSameDecisions(FunnelResult production, DenseReferenceFunnel.Result dense)
    {
        foreach (StepStats step in production.Stats.Steps)
        {
            var prod = step.Sources.SelectMany(s => s.Examples).Select(e => (e.Question, e.Source)).OrderBy(x => x.Source).ThenBy(x => x.Question, StringComparer.Ordinal).ToList();
            var reference = dense.Dropped[step.Step].OrderBy(x => x.Source).ThenBy(x => x.Question, StringComparer.Ordinal).ToList();
            Assert.Equal(step.Dropped, prod.Count);
            Assert.Equal(reference, prod);
        }
        Assert.Equal(dense.Collected, production.Questions.Select(q => (q.Question, q.Source)).ToList());
        Assert.Equal(Enumerable.Range(0, production.Questions.Count), production.Questions.Select(q => q.Id));
    }
}
