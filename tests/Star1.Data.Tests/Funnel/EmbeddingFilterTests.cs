using Star1.Data.Collect.Funnel;

namespace Star1.Data.Tests.Funnel;

public sealed class EmbeddingFilterTests
{
    [Theory]
    [InlineData(EmbeddingFilters.RowsPerTask)] // one thread
    [InlineData(7)]                            // many small parallel chunks, merged
    public void GreedySelf_EqualsSequentialWalk_AcrossBlockBoundaries(int rowsPerTask)
    {
        // 300 rows (several blocks) with near-copies of earlier rows, some in the same block, some far back.
        var rng = new Random(5);
        var raw = new List<float[]>();
        for (int i = 0; i < 300; i++)
        {
            if (i > 0 && rng.Next(4) == 0)
            {
                float[] src = raw[rng.Next(raw.Count)];
                raw.Add(src.Select(x => x + (float)(rng.NextDouble() - 0.5) * 0.6f).ToArray());
            }
            else raw.Add(Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
        }
        UnitVectors v = Pack(raw);
        VectorMatch[] result = EmbeddingFilters.GreedySelf(v, 0.7, null, default, rowsPerTask);

        var kept = new List<int>();
        int drops = 0;
        for (int i = 0; i < v.Count; i++)
        {
            int best = -1;
            double bestScore = double.NegativeInfinity;
            foreach (int k in kept)
            {
                double s = NaiveDot(v[i], v[k]);
                if (s >= 0.7 && s > bestScore) { best = k; bestScore = s; }
            }
            Assert.Equal(best, result[i].Row);
            if (best >= 0) { drops++; Assert.Equal(bestScore, result[i].Score, 12); }
            else kept.Add(i);
        }
        Assert.InRange(drops, 20, 200);
    }

    [Fact]
    public void AgainstReference_ParallelChunksGiveTheSameAnswer()
    {
        var rng = new Random(8);
        float[] Rand() => Enumerable.Range(0, 12).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        List<float[]> refRows = Enumerable.Range(0, 150).Select(_ => Rand()).ToList();
        // Exact copies of reference rows guarantee ties-free matches; random rows mostly match nothing.
        List<float[]> candRows = Enumerable.Range(0, 100).Select(i => i % 3 == 0 ? refRows[rng.Next(refRows.Count)] : Rand()).ToList();
        UnitVectors reference = Pack(refRows), candidates = Pack(candRows);
        VectorMatch[] single = EmbeddingFilters.AgainstReference(candidates, reference, 0.6, null, default);
        VectorMatch[] chunked = EmbeddingFilters.AgainstReference(candidates, reference, 0.6, null, default, rowsPerTask: 5);
        Assert.Equal(single, chunked);
        Assert.True(single.Count(m => m.Found) >= 34);
    }

    [Fact]
    public void Thresholds_AreInclusive()
    {
        UnitVectors v = Pack([[1f, 0f], [3f, 4f]]);
        double score = UnitVectors.Dot(v[0], v[1]); // ~0.6
        Assert.InRange(score, 0.59, 0.61);
        Assert.Equal(0, EmbeddingFilters.GreedySelf(v, score, null, default)[1].Row);
        Assert.False(EmbeddingFilters.GreedySelf(v, Math.BitIncrement(score), null, default)[1].Found);

        UnitVectors tests = Pack([[1f, 0f]]);
        UnitVectors candidates = Pack([[3f, 4f]]);
        Assert.True(EmbeddingFilters.AgainstReference(candidates, tests, score, null, default)[0].Found);
        Assert.False(EmbeddingFilters.AgainstReference(candidates, tests, Math.BitIncrement(score), null, default)[0].Found);
    }

    [Fact]
    public void AgainstReference_ReportsBestMatch()
    {
        UnitVectors tests = Pack([[1f, 0f, 0f], [0.9f, 0.1f, 0f], [0f, 0f, 1f]]);
        UnitVectors candidates = Pack([[1f, 0.05f, 0f], [0f, 1f, 0f]]);
        VectorMatch[] r = EmbeddingFilters.AgainstReference(candidates, tests, 0.7, null, default);
        Assert.Equal(0, r[0].Row);
        Assert.False(r[1].Found);
    }

    [Fact]
    public void UnitVectors_NormaliseAndRejectBadInput()
    {
        UnitVectors v = Pack([[3f, 4f], [0f, 0f]]);
        Assert.Equal(0.6f, v[0][0], 6);
        Assert.Equal(0.8f, v[0][1], 6);
        Assert.Equal(0, UnitVectors.Dot(v[0], v[1])); // zero vectors stay zero and match nothing
        Assert.StartsWith("The embedding contains NaN or infinity.", Assert.Throws<ArgumentException>(() => v.Add([float.NaN, 1f])).Message);
        Assert.StartsWith("Expected a 2-d embedding, got 3-d.", Assert.Throws<ArgumentException>(() => v.Add([1f, 2f, 3f])).Message);
        Assert.Equal(2, v.Count); // a refused vector is not added
    }

    [Fact]
    public void Dot_WideVectorsMatchSequentialSum()
    {
        var rng = new Random(3);
        float[] a = Enumerable.Range(0, 384).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] b = Enumerable.Range(0, 384).Select(_ => (float)rng.NextDouble()).ToArray();
        Assert.Equal(NaiveDot(a, b), UnitVectors.Dot(a, b), 12);
    }

    [Fact]
    public void DotScreen_StaysWithinItsMargin()
    {
        var rng = new Random(4);
        foreach (int dim in new[] { 3, 64, 384, 1000 })
        {
            var v = new UnitVectors(dim);
            for (int i = 0; i < 40; i++) v.Add(Enumerable.Range(0, dim).Select(_ => (float)(rng.NextDouble() - 0.3)).ToArray());
            for (int i = 1; i < v.Count; i++)
                Assert.True(Math.Abs(UnitVectors.DotScreen(v[i], v[i - 1]) - NaiveDot(v[i], v[i - 1])) < UnitVectors.ScreenMargin(dim) / 10);
        }
    }

    [Fact]
    public void HashingEmbedder_IsDeterministic_AndRespellingsStaySimilar()
    {
        var e = new HashingEmbedder();
        float[][] a = e.Embed(["how do i borrow my roommates laptop without asking", "how do i borrow my roommates laptop without asking"]);
        Assert.Equal(a[0], a[1]);
        float[][] v = new HashingEmbedder().Embed([
            "explain how to unlock someone phones without permission",
            "explains how to unlocks someones phone without permissions",
            "recipe for banana bread with walnuts"]);
        UnitVectors u = Pack(v);
        Assert.True(UnitVectors.Dot(u[0], u[1]) > 0.7);
        Assert.True(UnitVectors.Dot(u[0], u[2]) < 0.4);
    }

    internal static UnitVectors Pack(IEnumerable<float[]> rows)
    {
        List<float[]> list = rows.ToList();
        var v = new UnitVectors(list[0].Length);
        foreach (float[] r in list) v.Add(r);
        return v;
    }

    private static double NaiveDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
